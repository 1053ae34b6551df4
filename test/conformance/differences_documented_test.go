package conformance_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vaultnodeplugins/conformance/differential"
)

// Each README table of differences from Vault (one per differential suite)
// is the list of topics in that suite's data file, word for word: a
// difference cannot be kept on purpose without the operator reading why, and
// the README cannot promise one the suite does not check.
func TestDifferencesDocumentedInReadme(t *testing.T) {
	for _, tc := range []struct{ file, section, heading string }{
		{awsSecretsDifferences, "## AWS secrets engine", "### Differences from Vault's engine"},
		{awsAuthDifferences, "## AWS auth method", "### Differences from Vault's auth method"},
	} {
		listed, err := differential.LoadDeliberate(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		rows := readmeTable(t, tc.section, tc.heading)
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
// after heading, within the `##` section named section, in the repository's
// README.md, keyed by id.
func readmeTable(t *testing.T, section, heading string) map[string][2]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatalf("read README.md: %v", err)
	}
	text := string(raw)
	start := strings.Index(text, "\n"+section+"\n")
	if start < 0 {
		t.Fatalf("README.md has no section %q", section)
	}
	text = text[start+len(section)+2:]
	if end := strings.Index(text, "\n## "); end >= 0 {
		text = text[:end+1]
	}
	at := strings.Index(text, "\n"+heading+"\n")
	if at < 0 {
		t.Fatalf("README.md has no heading %q in section %q", heading, section)
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
