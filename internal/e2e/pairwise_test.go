package e2e

// param is one dimension of an option space: a name and the values it takes.
type param struct {
	name   string
	values []string
}

// pairwise returns a small set of combinations in which every value of every
// parameter meets every value of every other parameter at least once.
func pairwise(params []param) []map[string]string {
	return pairwiseValid(params, nil)
}

// pairwiseValid is pairwise restricted to the combinations valid accepts (nil
// accepts all). A pair that no valid combination holds is not required.
//
// The search is greedy and exhaustive over the candidates: each round adds
// the valid combination covering the most pairs not yet covered, the first in
// enumeration order on ties. That keeps the result deterministic and
// near-minimal, and is cheap for option spaces of a few thousand combinations.
func pairwiseValid(params []param, valid func(map[string]string) bool) []map[string]string {
	n := len(params)
	if n == 0 {
		return nil
	}
	for _, p := range params {
		if len(p.values) == 0 {
			return nil
		}
	}

	// Candidates as value indexes, the first parameter varying slowest.
	var candidates [][]int
	idx := make([]int, n)
	for {
		row := append([]int(nil), idx...)
		if valid == nil || valid(toCombination(params, row)) {
			candidates = append(candidates, row)
		}
		i := n - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(params[i].values) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			break
		}
	}

	// A lone parameter has no pairs; its values stand in for them (b == -1).
	type pair struct{ a, va, b, vb int }
	covers := func(c []int, yield func(pair)) {
		if n == 1 {
			yield(pair{0, c[0], -1, 0})
		}
		for a := 0; a < n; a++ {
			for b := a + 1; b < n; b++ {
				yield(pair{a, c[a], b, c[b]})
			}
		}
	}
	uncovered := map[pair]bool{}
	for _, c := range candidates {
		covers(c, func(p pair) { uncovered[p] = true })
	}

	var out []map[string]string
	for len(uncovered) > 0 {
		best, bestGain := -1, 0
		for ci, c := range candidates {
			gain := 0
			covers(c, func(p pair) {
				if uncovered[p] {
					gain++
				}
			})
			if gain > bestGain {
				best, bestGain = ci, gain
			}
		}
		c := candidates[best]
		covers(c, func(p pair) { delete(uncovered, p) })
		out = append(out, toCombination(params, c))
	}
	return out
}

func toCombination(params []param, idx []int) map[string]string {
	m := make(map[string]string, len(params))
	for i, p := range params {
		m[p.name] = p.values[idx[i]]
	}
	return m
}
