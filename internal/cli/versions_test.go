package cli

import "testing"

func TestParseRelease(t *testing.T) {
	for in, want := range map[string]release{
		"2.40.3":           {2, 40, 3},
		"v2.24.4":          {2, 24, 4},
		"2.24.4-desktop.1": {2, 24, 4},
		"20.10.24+dfsg1":   {20, 10, 24},
		"28.2":             {28, 2, 0},
		" 27.5.1\n":        {27, 5, 1},
		"1.29.2, build x":  {1, 29, 2},
	} {
		got, ok := parseRelease(in)
		if !ok || got != want {
			t.Errorf("parseRelease(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "dev", "v", "2", "two.four", "2.x.1"} {
		if got, ok := parseRelease(in); ok {
			t.Errorf("parseRelease(%q) = %v; want not understood", in, got)
		}
	}
}

func TestReleaseLess(t *testing.T) {
	if !(release{2, 24, 3}).less(minCompose) || (release{2, 24, 4}).less(minCompose) || (release{2, 100, 0}).less(minCompose) {
		t.Error("release order around 2.24.4")
	}
	if !(release{19, 3, 15}).less(minDockerEngine) || (release{20, 10, 0}).less(minDockerEngine) {
		t.Error("release order around 20.10")
	}
}
