package generator

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestTemplateThatRendersTooMuchIsNamed(t *testing.T) {
	files := fstest.MapFS{"big.txt.tmpl": {Data: []byte(`{{range 65}}{{printf "%1048576s" ""}}{{end}}`)}}
	_, err := Render(testOptions(), testTemplate(files), fixedRand())
	if !errors.Is(err, ErrOutputTooLarge) {
		t.Fatalf("Render = %v; want ErrOutputTooLarge", err)
	}
	want := "tmpl/big.txt.tmpl renders more than 64 MiB, the most scaffold writes in one file; check it for a loop that never ends"
	if err.Error() != want {
		t.Errorf("Render = %v\nwant %s", err, want)
	}
}

func TestRunOutputIsBounded(t *testing.T) {
	r := &renderRun{}
	if err := r.add("a", MaxRunOutput-1); err != nil {
		t.Fatal(err)
	}
	if err := r.add("tmpl/b.tmpl", 2); !errors.Is(err, ErrOutputTooLarge) || !strings.Contains(err.Error(), "256 MiB in all") || !strings.Contains(err.Error(), "tmpl/b.tmpl") {
		t.Errorf("add = %v", err)
	}
}

// A template that writes stops as soon as the render is interrupted.
func TestRenderContextStopsAWritingTemplate(t *testing.T) {
	files := fstest.MapFS{"loop.txt.tmpl": {Data: []byte(`{{range 100000000000000}}x{{end}}`)}}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := RenderContext(ctx, testOptions(), testTemplate(files), fixedRand())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RenderContext = %v; want context.Canceled", err)
	}
}

func TestRenderContextChecksBetweenFiles(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := render(ctx, testOptions(), testTemplate(fstest.MapFS{"a.txt": {}}), fixedRand())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("render = %v; want context.Canceled", err)
	}
}
