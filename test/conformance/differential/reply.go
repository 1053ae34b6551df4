package differential

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"

	"github.com/hashicorp/vault/sdk/logical"
)

// Tree turns an exchange into the JSON-shaped document that is compared:
//
//	status    HTTP status Vault's HTTP layer would answer (RespondErrorCommon;
//	          204 for no response, 200 otherwise)
//	error     the error text of an error reply
//	data      the response data (absent for error replies)
//	warnings  the warnings, if any
//	secret    renewable, ttl and max_ttl (seconds) and internal_data of a
//	          lease, if any
//	auth      the Auth block of a login or auth renewal, if any
//	redirect  the redirect, if any
//
// Every value goes through JSON (numbers become json.Number) so both sides
// are compared with the same Go types, whatever the transport produced.
func Tree(ex Exchange) map[string]interface{} {
	out := map[string]interface{}{}
	status, err := logical.RespondErrorCommon(ex.Req, ex.Resp, ex.Err)
	switch {
	case status != 0:
		out["status"] = status
	case ex.Resp == nil:
		out["status"] = http.StatusNoContent
	default:
		out["status"] = http.StatusOK
	}
	if err != nil {
		out["error"] = withoutRPCStatus(err.Error())
	} else if ex.Err != nil {
		out["error"] = withoutRPCStatus(ex.Err.Error())
	}
	if r := ex.Resp; r != nil {
		if r.Data != nil && !r.IsError() {
			out["data"] = r.Data
		}
		if len(r.Warnings) > 0 {
			out["warnings"] = r.Warnings
		}
		if s := r.Secret; s != nil {
			out["secret"] = map[string]interface{}{
				"renewable":     s.Renewable,
				"ttl":           int64(s.TTL.Seconds()),
				"max_ttl":       int64(s.MaxTTL.Seconds()),
				"internal_data": s.InternalData,
			}
		}
		if r.Auth != nil {
			out["auth"] = r.Auth
		}
		if r.Redirect != "" {
			out["redirect"] = r.Redirect
		}
	}
	return Normal(out)
}

// rpcStatus is how a gRPC status error reads once flattened into a string.
var rpcStatus = regexp.MustCompile(`rpc error: code = [A-Za-z]+ desc = `)

// withoutRPCStatus drops gRPC status prefixes from an error text. They are an
// artefact of the transport (a system-view call answered with an error, or
// an error crossing the plugin boundary), not part of the engine's text: the
// reference is a builtin engine served externally only for this suite, and
// inside Vault the same message carries no such prefix.
func withoutRPCStatus(text string) string {
	return rpcStatus.ReplaceAllString(text, "")
}

// Normal returns v after a JSON round trip with json.Number for numbers.
// Values that cannot be encoded are replaced by a description.
func Normal(v interface{}) map[string]interface{} {
	raw, err := json.Marshal(v)
	if err != nil {
		return map[string]interface{}{"unencodable": fmt.Sprintf("%T: %v", v, err)}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out map[string]interface{}
	if err := dec.Decode(&out); err != nil {
		return map[string]interface{}{"undecodable": err.Error()}
	}
	return out
}
