package differential

import (
	"encoding/json"
	"fmt"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Difference is one place where the two replies disagree.
type Difference struct {
	// Where is a JSON-pointer-like location in the compared document
	// ("/data/access_key", "/warnings/0", "/status").
	Where string `json:"where"`
	// Ours and Vault are the compact JSON of each side's value there, or
	// Absent.
	Ours  string `json:"ours"`
	Vault string `json:"vault"`
}

// Absent renders a value one side does not have.
const Absent = "<absent>"

func (d Difference) String() string {
	return fmt.Sprintf("%s: ours %s, vault %s", d.Where, d.Ours, d.Vault)
}

// Mode says how the values at a location are compared.
type Mode struct {
	kind      string
	tolerance float64
	marker    string
}

var (
	// Exact compares values for equality (the default).
	Exact = Mode{kind: "exact"}
	// Ignore skips the location entirely (not even presence is compared).
	Ignore = Mode{kind: "ignore"}
	// Present requires both sides to have a value of the same JSON type
	// there, whatever the value (random names, keys, ids).
	Present = Mode{kind: "present"}
	// Prefix requires both to be strings and ours to start with vault's
	// (error texts where we only append a hint).
	Prefix = Mode{kind: "prefix"}
)

// PrefixBefore is Prefix on vault's text cut at the first marker: what
// follows it (an AWS request id, a timestamp) differs from call to call.
func PrefixBefore(marker string) Mode { return Mode{kind: "prefix", marker: marker} }

// Within compares numbers with a tolerance (lease times that depend on
// when each side answered).
func Within(tolerance float64) Mode { return Mode{kind: "within", tolerance: tolerance} }

// Rules map location patterns to modes. A pattern is a location in which a
// segment may be "*" (any one segment); the most specific pattern wins (the
// one with fewer "*", then the longer one).
type Rules map[string]Mode

// With returns the union of r and more (more wins).
func (r Rules) With(more Rules) Rules {
	out := Rules{}
	for k, v := range r {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

func (r Rules) modeAt(where string) Mode {
	best, bestStars, bestLen, found := Exact, 0, 0, false
	for pattern, mode := range r {
		ok, _ := path.Match(pattern, where)
		if !ok {
			continue
		}
		stars := strings.Count(pattern, "*")
		if !found || stars < bestStars || (stars == bestStars && len(pattern) > bestLen) {
			best, bestStars, bestLen, found = mode, stars, len(pattern), true
		}
	}
	return best
}

// Compare walks both documents and returns their differences, sorted by
// location.
func Compare(ours, vault interface{}, rules Rules) []Difference {
	var out []Difference
	walk("", ours, vault, true, true, rules, &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Where < out[j].Where })
	return out
}

func walk(where string, a, b interface{}, haveA, haveB bool, rules Rules, out *[]Difference) {
	mode := rules.modeAt(where)
	if where == "" {
		mode = Exact
	}
	if mode.kind == "ignore" {
		return
	}
	if !haveA || !haveB {
		*out = append(*out, Difference{Where: where, Ours: render(a, haveA), Vault: render(b, haveB)})
		return
	}
	differ := func() { *out = append(*out, Difference{Where: where, Ours: render(a, true), Vault: render(b, true)}) }
	if kind(a) != kind(b) {
		differ()
		return
	}
	switch mode.kind {
	case "present":
		return
	case "prefix":
		sa, _ := a.(string)
		sb, _ := b.(string)
		if mode.marker != "" {
			if at := strings.Index(sb, mode.marker); at >= 0 {
				sb = sb[:at]
			}
		}
		if !strings.HasPrefix(sa, sb) {
			differ()
		}
		return
	case "within":
		fa, errA := number(a)
		fb, errB := number(b)
		if errA != nil || errB != nil || math.Abs(fa-fb) > mode.tolerance {
			differ()
		}
		return
	}
	switch av := a.(type) {
	case map[string]interface{}:
		bv := b.(map[string]interface{})
		keys := map[string]bool{}
		for k := range av {
			keys[k] = true
		}
		for k := range bv {
			keys[k] = true
		}
		for k := range keys {
			va, okA := av[k]
			vb, okB := bv[k]
			walk(where+"/"+escape(k), va, vb, okA, okB, rules, out)
		}
	case []interface{}:
		bv := b.([]interface{})
		n := len(av)
		if len(bv) > n {
			n = len(bv)
		}
		for i := 0; i < n; i++ {
			var va, vb interface{}
			okA, okB := i < len(av), i < len(bv)
			if okA {
				va = av[i]
			}
			if okB {
				vb = bv[i]
			}
			walk(where+"/"+strconv.Itoa(i), va, vb, okA, okB, rules, out)
		}
	default:
		if render(a, true) != render(b, true) {
			differ()
		}
	}
}

// escape applies JSON-pointer escaping to one key.
func escape(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

func kind(v interface{}) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]interface{}:
		return "object"
	case []interface{}:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64, int, int64:
		return "number"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func number(v interface{}) (float64, error) {
	switch n := v.(type) {
	case json.Number:
		return n.Float64()
	case float64:
		return n, nil
	case int:
		return float64(n), nil
	case int64:
		return float64(n), nil
	}
	return 0, fmt.Errorf("not a number: %T", v)
}

func render(v interface{}, have bool) string {
	if !have {
		return Absent
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	const max = 400
	if len(raw) > max {
		return string(raw[:max]) + "…"
	}
	return string(raw)
}
