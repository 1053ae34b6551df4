package differential

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Deliberate is one difference kept on purpose, as listed in a data file.
type Deliberate struct {
	// Case is the case name of the table.
	Case string `json:"case"`
	// Where is the location (Difference.Where).
	Where string `json:"where"`
	// Ours and Vault, when set, must equal the rendered values; a value
	// starting with "~" is a description and matches anything.
	Ours  string `json:"ours"`
	Vault string `json:"vault"`
	// Reason says in one line why we keep it.
	Reason string `json:"reason"`
}

// LoadDeliberate reads a JSON array of Deliberate entries. Entries without
// case, where or reason are an error.
func LoadDeliberate(file string) ([]Deliberate, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var list []Deliberate
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	for i, d := range list {
		if d.Case == "" || d.Where == "" || strings.TrimSpace(d.Reason) == "" {
			return nil, fmt.Errorf("%s: entry %d needs case, where and reason", file, i)
		}
	}
	return list, nil
}

func (d Deliberate) matches(caseName string, diff Difference) bool {
	if d.Case != caseName || d.Where != diff.Where {
		return false
	}
	if d.Ours != "" && !strings.HasPrefix(d.Ours, "~") && d.Ours != diff.Ours {
		return false
	}
	if d.Vault != "" && !strings.HasPrefix(d.Vault, "~") && d.Vault != diff.Vault {
		return false
	}
	return true
}

// Classify splits the differences found in one case into the ones listed as
// deliberate and the unlisted ones, and returns the listed entries of that
// case that did not show up (a deliberate difference that vanished).
func Classify(caseName string, diffs []Difference, listed []Deliberate) (unlisted []Difference, vanished []Deliberate) {
	seen := make([]bool, len(listed))
	for _, diff := range diffs {
		hit := false
		for i, d := range listed {
			if d.matches(caseName, diff) {
				seen[i], hit = true, true
			}
		}
		if !hit {
			unlisted = append(unlisted, diff)
		}
	}
	for i, d := range listed {
		if d.Case == caseName && !seen[i] {
			vanished = append(vanished, d)
		}
	}
	return unlisted, vanished
}
