package e2e

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/djscaffold/scaffold/internal/generator"
)

// scaffoldParams is the option space of `scaffold new`, from the question
// table (scaffoldOptions).
var scaffoldParams = paramsOf(generator.Questions())

// validScaffold holds the constraints between options, as the question
// table checks them: Django 6.1 needs Python 3.12 or later, which every
// supported Python satisfies.
func validScaffold(c map[string]string) bool {
	o, err := optionsFrom(c)
	if err != nil {
		return false
	}
	o.Name = "myapi"
	return o.Validate() == nil
}

// missingPairs lists the value pairs of params that some valid combination
// holds but none of rows does.
func missingPairs(params []param, rows []map[string]string, valid func(map[string]string) bool) []string {
	var missing []string
	for i, a := range params {
		for _, b := range params[i+1:] {
			for _, va := range a.values {
				for _, vb := range b.values {
					if !pairPossible(params, a.name, va, b.name, vb, valid) {
						continue
					}
					found := false
					for _, r := range rows {
						if r[a.name] == va && r[b.name] == vb {
							found = true
							break
						}
					}
					if !found {
						missing = append(missing, fmt.Sprintf("%s=%q %s=%q", a.name, va, b.name, vb))
					}
				}
			}
		}
	}
	return missing
}

// pairPossible reports by brute force whether a valid combination holds both values.
func pairPossible(params []param, na, va, nb, vb string, valid func(map[string]string) bool) bool {
	var try func(i int, c map[string]string) bool
	try = func(i int, c map[string]string) bool {
		if i == len(params) {
			return valid == nil || valid(c)
		}
		p := params[i]
		for _, v := range p.values {
			if (p.name == na && v != va) || (p.name == nb && v != vb) {
				continue
			}
			c[p.name] = v
			if try(i+1, c) {
				return true
			}
		}
		return false
	}
	return try(0, map[string]string{})
}

func TestPairwiseScaffoldOptions(t *testing.T) {
	rows := pairwiseValid(scaffoldParams, validScaffold)
	if m := missingPairs(scaffoldParams, rows, validScaffold); len(m) > 0 {
		t.Errorf("pairs not covered: %v", m)
	}
	for _, r := range rows {
		if !validScaffold(r) {
			t.Errorf("invalid combination %v", r)
		}
		if len(r) != len(scaffoldParams) {
			t.Errorf("incomplete combination %v", r)
		}
	}
	// Two three-valued options alone need 9 rows; the full space is 10368.
	if len(rows) < 9 || len(rows) > 20 {
		t.Errorf("%d combinations, want between 9 and 20", len(rows))
	}
	if again := pairwiseValid(scaffoldParams, validScaffold); !reflect.DeepEqual(rows, again) {
		t.Error("pairwise is not deterministic")
	}
	all := func(map[string]string) bool { return true }
	if plain, accepted := pairwise(scaffoldParams), pairwiseValid(scaffoldParams, all); !reflect.DeepEqual(accepted, plain) {
		t.Error("a constraint every combination satisfies changed the result")
	}
	t.Logf("%d combinations", len(rows))
}

func TestPairwiseConstraint(t *testing.T) {
	// A stricter rule than the real one, so that some pairs are impossible.
	valid := func(c map[string]string) bool {
		return c["django"] != "6.1" || c["python"] >= "3.13"
	}
	rows := pairwiseValid(scaffoldParams, valid)
	for _, r := range rows {
		if !valid(r) {
			t.Errorf("invalid combination %v", r)
		}
	}
	if m := missingPairs(scaffoldParams, rows, valid); len(m) > 0 {
		t.Errorf("pairs not covered: %v", m)
	}
}

func TestPairwiseSmall(t *testing.T) {
	params := []param{{"a", []string{"1", "2"}}, {"b", []string{"x", "y"}}, {"c", []string{"p", "q"}}}
	rows := pairwise(params)
	if m := missingPairs(params, rows, nil); len(m) > 0 {
		t.Errorf("pairs not covered: %v", m)
	}
	// Three boolean parameters are covered by 4 rows, not the 8 of the full product.
	if len(rows) != 4 {
		t.Errorf("%d rows, want 4: %v", len(rows), rows)
	}
	single := pairwise([]param{{"only", []string{"v", "w"}}})
	if want := []map[string]string{{"only": "v"}, {"only": "w"}}; !reflect.DeepEqual(single, want) {
		t.Errorf("single parameter: got %v, want %v", single, want)
	}
}
