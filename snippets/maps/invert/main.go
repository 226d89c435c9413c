// A Python dict comprehension builds the inverted mapping in one expression.
// Go has no comprehensions: a for ... range loop over the map fills a new
// one, sized up front with make. Go's maps are unordered and range visits
// them in a deliberately varying order, so the program sorts the keys before
// printing; Python dicts keep insertion order instead.
//
// As in Python, if two keys share a value, the inverted map keeps only one of
// them: whichever the loop sees last.
package main

import (
	"fmt"
	"maps"
	"slices"
)

func main() {
	chileRanks := map[string]int{"ghost": 1, "habanero": 2, "cayenne": 3}

	rankDict := make(map[int]string, len(chileRanks))
	for name, rank := range chileRanks {
		rankDict[rank] = name
	}

	for _, rank := range slices.Sorted(maps.Keys(rankDict)) {
		fmt.Println(rank, rankDict[rank])
	}
}
