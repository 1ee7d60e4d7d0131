package e2e

import "testing"

func TestDynTail(t *testing.T) {
	if got := dynTail("a\nb\nc\n", 2); got != "[... 1 lines before]\nb\nc" {
		t.Errorf("dynTail = %q", got)
	}
	if got := dynTail("a\nb\n", 5); got != "a\nb" {
		t.Errorf("dynTail = %q", got)
	}
}

func TestDynCommandLine(t *testing.T) {
	got := dynCommandLine("/p", []string{"PORT=8000", "DJANGO_SECRET_KEY=s3cret", "PORT=5000"}, []string{"gunicorn", "a b"})
	if want := "cd /p && DJANGO_SECRET_KEY='***' PORT=5000 gunicorn 'a b'"; got != want {
		t.Errorf("dynCommandLine = %q, want %q", got, want)
	}
}
