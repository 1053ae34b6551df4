package differential

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
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
	// Topic names the entry of the file's topics that says why we keep it.
	Topic string `json:"topic"`
}

// Topic is one reason for keeping differences, as the README's table of
// differences shows it.
type Topic struct {
	// What differs, in a few words.
	What string `json:"what"`
	// Why we keep it, in one or two sentences.
	Why string `json:"why"`
}

// DeliberateFile is the data file: the topics (keyed by a short id) and the
// differences, each under one topic.
type DeliberateFile struct {
	Topics      map[string]Topic `json:"topics"`
	Differences []Deliberate     `json:"differences"`
}

// LoadDeliberate reads a DeliberateFile. An entry without case, where or a
// known topic, a topic without what/why and a topic no entry uses are errors,
// so the file cannot carry a reason for nothing.
func LoadDeliberate(file string) (DeliberateFile, error) {
	var f DeliberateFile
	raw, err := os.ReadFile(file)
	if err != nil {
		return f, err
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("%s: %w", file, err)
	}
	used := map[string]bool{}
	for i, d := range f.Differences {
		if d.Case == "" || d.Where == "" {
			return f, fmt.Errorf("%s: difference %d needs case and where", file, i)
		}
		if _, ok := f.Topics[d.Topic]; !ok {
			return f, fmt.Errorf("%s: difference %d (%s %s) names unknown topic %q", file, i, d.Case, d.Where, d.Topic)
		}
		used[d.Topic] = true
	}
	for _, id := range f.TopicIDs() {
		t := f.Topics[id]
		if strings.TrimSpace(t.What) == "" || strings.TrimSpace(t.Why) == "" {
			return f, fmt.Errorf("%s: topic %q needs what and why", file, id)
		}
		if !used[id] {
			return f, fmt.Errorf("%s: topic %q has no difference", file, id)
		}
	}
	return f, nil
}

// TopicIDs returns the topic ids in order.
func (f DeliberateFile) TopicIDs() []string {
	ids := make([]string, 0, len(f.Topics))
	for id := range f.Topics {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
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
