package differential

import (
	"fmt"
	"sort"

	"github.com/hashicorp/vault/sdk/logical"
)

// Help replies are compared for structure, not prose: each engine writes its
// own descriptions. HelpTree keeps from a help reply
//
//	status, error       as in Tree
//	help                true when the help text is a non-empty string
//	see_also            as is
//	openapi             the OpenAPI document without prose: every
//	                    "description" and "summary" key is dropped, and so is
//	                    the "info" header (title, version, licence)
//
// Lists whose order carries no meaning are keyed so that an ordering change
// is not reported as a difference: "parameters" become an object keyed by
// "<in>:<name>", "required" and "tags" are sorted.
func HelpTree(ex Exchange) map[string]interface{} {
	t := Tree(ex)
	data, _ := t["data"].(map[string]interface{})
	delete(t, "data")
	if data == nil {
		return t
	}
	text, _ := data["help"].(string)
	t["help"] = text != ""
	if v, ok := data["see_also"]; ok {
		t["see_also"] = v
	}
	if doc, ok := data["openapi"]; ok {
		if m, ok := doc.(map[string]interface{}); ok {
			delete(m, "info")
		}
		t["openapi"] = stripProse(doc, "")
	}
	for k := range data {
		if k != "help" && k != "see_also" && k != "openapi" {
			t["extra_"+k] = data[k]
		}
	}
	return t
}

// HelpRequest is the help request Vault core sends for path; for the root
// path ("") it is the request of sys/internal/specs/openapi, which passes the
// mount type as requestResponsePrefix.
func HelpRequest(path, requestResponsePrefix string) *logical.Request {
	req := &logical.Request{Operation: logical.HelpOperation, Path: path}
	if path == "" && requestResponsePrefix != "" {
		req.Data = map[string]interface{}{"requestResponsePrefix": requestResponsePrefix}
	}
	return req
}

func stripProse(v interface{}, key string) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		out := map[string]interface{}{}
		for k, val := range x {
			if k == "description" || k == "summary" {
				if _, isString := val.(string); isString {
					continue
				}
			}
			out[k] = stripProse(val, k)
		}
		return out
	case []interface{}:
		items := make([]interface{}, len(x))
		for i, val := range x {
			items[i] = stripProse(val, "")
		}
		switch key {
		case "parameters":
			return keyParameters(items)
		case "required", "tags":
			return sortedStrings(items)
		}
		return items
	default:
		return v
	}
}

func keyParameters(items []interface{}) interface{} {
	out := map[string]interface{}{}
	for i, it := range items {
		m, ok := it.(map[string]interface{})
		if !ok {
			out[fmt.Sprintf("#%d", i)] = it
			continue
		}
		out[fmt.Sprintf("%v:%v", m["in"], m["name"])] = m
	}
	return out
}

func sortedStrings(items []interface{}) []interface{} {
	out := append([]interface{}(nil), items...)
	sort.SliceStable(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}
