package snippets

import (
	"fmt"
	"regexp"
)

// idPattern is the id grammar: slash-separated parts, each lower case
// letters and digits joined by single hyphens.
var idPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$`)

// CheckID returns an error unless id is well formed and not the reserved
// None. It does not say whether the snippet exists.
func CheckID(id string) error {
	switch {
	case id == None:
		return fmt.Errorf("snippet id %q is reserved: a fence says {snippet=none} to have no snippet", id)
	case !idPattern.MatchString(id):
		return fmt.Errorf("snippet id %q: want lower case letters, digits and single hyphens, parts separated by /, as in subprocess/parallel-sleep", id)
	}
	return nil
}

// Nearest returns the id among ids that id most likely misspells, or ""
// when none is close: the one at the smallest edit distance, if that is at
// most a third of id's length (at least 1); ties go to the first in ids.
func Nearest(id string, ids []string) string {
	best, bestDist := "", max(1, len(id)/3)+1
	for _, c := range ids {
		if d := distance(id, c); d > 0 && d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, in bytes (ids are
// ASCII).
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
