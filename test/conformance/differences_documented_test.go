package conformance_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vaultnodeplugins/conformance/differential"
)

// The README's table of differences from Vault's engine is the list of
// topics in the differential suite's data file, word for word: a difference
// cannot be kept on purpose without the operator reading why, and the README
// cannot promise one the suite does not check.
func TestDifferencesDocumentedInReadme(t *testing.T) {
	for _, tc := range []struct{ file, heading string }{
		{awsSecretsDifferences, "### Differences from Vault's engine"},
	} {
		listed, err := differential.LoadDeliberate(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		rows := readmeTable(t, tc.heading)
		for _, id := range listed.TopicIDs() {
			topic := listed.Topics[id]
			row, ok := rows[id]
			if !ok {
				t.Errorf("%s: topic %q is missing from the README table under %q", tc.file, id, tc.heading)
				continue
			}
			if row[0] != topic.What || row[1] != topic.Why {
				t.Errorf("README row %q differs from %s:\n  README: %q | %q\n  file:   %q | %q", id, tc.file, row[0], row[1], topic.What, topic.Why)
			}
			delete(rows, id)
		}
		for id := range rows {
			t.Errorf("README table under %q lists %q, which %s does not", tc.heading, id, tc.file)
		}
	}
}

// readmeTable returns the rows `| `id` | what | why |` of the first table
// after heading in the repository's README.md, keyed by id.
func readmeTable(t *testing.T, heading string) map[string][2]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatalf("read README.md: %v", err)
	}
	text := string(raw)
	at := strings.Index(text, "\n"+heading+"\n")
	if at < 0 {
		t.Fatalf("README.md has no heading %q", heading)
	}
	rows := map[string][2]string{}
	inTable := false
	for _, line := range strings.Split(text[at+len(heading)+2:], "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable || strings.HasPrefix(line, "#") {
				break
			}
			continue
		}
		inTable = true
		if strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		if len(cells) != 3 {
			t.Fatalf("README table row under %q does not have 3 cells: %q", heading, line)
		}
		id := strings.TrimSpace(cells[0])
		if !strings.HasPrefix(id, "`") {
			continue // the header row
		}
		rows[strings.Trim(id, "`")] = [2]string{strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])}
	}
	return rows
}
