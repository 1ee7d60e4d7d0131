package cli

import "testing"

func TestColumns(t *testing.T) {
	for s, want := range map[string]int{
		"Team": 4, "Équipe": 6, "E\u0301quipe": 6, "日本語": 6, "ｆｕｌｌ": 8, "": 0,
	} {
		if got := columns(s); got != want {
			t.Errorf("columns(%q) = %d; want %d", s, got, want)
		}
	}
	if got := padRight("日本", 6); got != "日本  " {
		t.Errorf("padRight = %q", got)
	}
}
