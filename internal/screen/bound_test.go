package screen

import "testing"

// TestClassBoundIsLowerBound checks the consonant-class and vowel counts
// never exceed the edit distance they stand in for, on every pair of the
// spellings in the variant tables.
func TestClassBoundIsLowerBound(t *testing.T) {
	var ws []*term
	for _, g := range nameVariants {
		for _, v := range g {
			ws = append(ws, newTerm(v, false))
		}
	}
	for _, a := range ws {
		for _, b := range ws {
			d := editDistance(a.cmp, b.cmp, 20)
			if lb := classDistance(a.classCount, b.classCount) + vowelDistance(a, b); lb > d+1e-9 {
				t.Fatalf("bound(%q, %q) = %v, want <= distance %v", a.cmp, b.cmp, lb, d)
			}
		}
	}
}
