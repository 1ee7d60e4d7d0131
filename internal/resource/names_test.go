package resource

import "testing"

func TestNamesOf(t *testing.T) {
	tests := map[string]Names{
		"items":      {Name: "items", Model: "Item", Verbose: "item", VerbosePlural: "items"},
		"blog_posts": {Name: "blog_posts", Model: "BlogPost", Verbose: "blog post", VerbosePlural: "blog posts"},
		"categories": {Name: "categories", Model: "Category", Verbose: "category", VerbosePlural: "categories"},
		"boxes":      {Name: "boxes", Model: "Box", Verbose: "box", VerbosePlural: "boxes"},
		"status":     {Name: "status", Model: "Status", Verbose: "status", VerbosePlural: "status"},
		"":           {},
	}
	for in, want := range tests {
		if got := namesOf(in); got != want {
			t.Errorf("namesOf(%q) = %+v, want %+v", in, got, want)
		}
	}
	if got := namesOf("blog_posts").Label(); got != "blog_posts.blogpost" {
		t.Errorf("Label() = %q", got)
	}
}
