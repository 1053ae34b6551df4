package differential

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/hashicorp/vault/sdk/logical"
)

func num(s string) json.Number { return json.Number(s) }

func TestCompareRules(t *testing.T) {
	ours := map[string]interface{}{
		"status": num("400"),
		"error":  "bad ttl (allowed: 900s or more)",
		"data":   map[string]interface{}{"access_key": "AKIA1", "ttl": num("3600"), "extra": true, "list": []interface{}{"a"}},
	}
	vault := map[string]interface{}{
		"status": num("400"),
		"error":  "bad ttl",
		"data":   map[string]interface{}{"access_key": "AKIA2", "ttl": num("3597"), "list": []interface{}{"a", "b"}},
	}
	rules := Rules{"/error": Prefix, "/data/access_key": Present, "/data/ttl": Within(5)}
	got := Compare(ours, vault, rules)
	want := []Difference{
		{Where: "/data/extra", Ours: "true", Vault: Absent},
		{Where: "/data/list/1", Ours: Absent, Vault: `"b"`},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("difference %d: got %v, want %v", i, got[i], want[i])
		}
	}
	// Present still compares the JSON type; Prefix needs ours to extend vault's.
	vault["data"].(map[string]interface{})["access_key"] = nil
	vault["error"] = "other text"
	got = Compare(ours, vault, rules)
	if len(got) != 4 || got[0].Where != "/data/access_key" || got[3].Where != "/error" {
		t.Errorf("type and prefix checks: got %v", got)
	}
}

func TestRulesMostSpecificWins(t *testing.T) {
	r := Rules{"/data/*": Ignore, "/data/keep": Exact}
	if r.modeAt("/data/keep") != Exact || r.modeAt("/data/other") != Ignore {
		t.Errorf("wildcard precedence wrong")
	}
}

func TestClassify(t *testing.T) {
	listed := []Deliberate{
		{Case: "c1", Where: "/data/ttl", Ours: "0", Vault: Absent, Topic: "ours"},
		{Case: "c1", Where: "/data/gone", Ours: "~anything", Topic: "vanished"},
	}
	diffs := []Difference{{Where: "/data/ttl", Ours: "0", Vault: Absent}, {Where: "/status", Ours: "400", Vault: "500"}}
	unlisted, vanished := Classify("c1", diffs, listed)
	if len(unlisted) != 1 || unlisted[0].Where != "/status" {
		t.Errorf("unlisted: %v", unlisted)
	}
	if len(vanished) != 1 || vanished[0].Where != "/data/gone" {
		t.Errorf("vanished: %v", vanished)
	}
	// A listed value that no longer matches is both unlisted and vanished.
	unlisted, vanished = Classify("c1", []Difference{{Where: "/data/ttl", Ours: "5", Vault: Absent}}, listed[:1])
	if len(unlisted) != 1 || len(vanished) != 1 {
		t.Errorf("changed value: unlisted %v vanished %v", unlisted, vanished)
	}
}

func TestTreeStatusAndRPCPrefix(t *testing.T) {
	req := &logical.Request{Operation: logical.UpdateOperation, Path: "x"}
	tr := Tree(Exchange{Req: req, Err: errors.New("boom: rpc error: code = Internal desc = no rotation")})
	if tr["status"] != json.Number("500") || tr["error"] != "boom: no rotation" {
		t.Errorf("internal error: %v", tr)
	}
	tr = Tree(Exchange{Req: req, Resp: logical.ErrorResponse("bad")})
	if tr["status"] != json.Number("400") || tr["error"] != "bad" || tr["data"] != nil {
		t.Errorf("error response: %v", tr)
	}
	if tr = Tree(Exchange{Req: req}); tr["status"] != json.Number("204") {
		t.Errorf("no response: %v", tr)
	}
}

func TestHelpTreeDropsProse(t *testing.T) {
	doc := map[string]interface{}{
		"info": map[string]interface{}{"title": "x"},
		"paths": map[string]interface{}{"/p": map[string]interface{}{
			"description": "prose",
			"parameters": []interface{}{
				map[string]interface{}{"name": "b", "in": "query", "description": "prose"},
				map[string]interface{}{"name": "a", "in": "path"},
			},
		}},
	}
	resp := logical.HelpResponse("text", nil, doc)
	tr := HelpTree(Exchange{Req: &logical.Request{Operation: logical.HelpOperation}, Resp: resp})
	want := `{"help":true,"openapi":{"paths":{"/p":{"parameters":{"path:a":{"in":"path","name":"a"},"query:b":{"in":"query","name":"b"}}}}},"see_also":null,"status":200}`
	raw, _ := json.Marshal(tr)
	if string(raw) != want {
		t.Errorf("got  %s\nwant %s", raw, want)
	}
}
