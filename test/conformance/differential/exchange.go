package differential

import (
	"context"
	"time"

	"github.com/hashicorp/vault/sdk/logical"

	"vaultnodeplugins/conformance/harness"
)

// Exchange is one request sent to one instance and what came back.
type Exchange struct {
	Side Side
	Req  *logical.Request
	Resp *logical.Response
	Err  error
	// At is when the request was sent (the lease issue time for renewals).
	At time.Time
}

// Send hands a copy of req to inst with the instance's storage attached.
// The caller's request is never modified, so the same value can be sent to
// both sides.
func Send(ctx context.Context, side Side, inst *harness.Instance, req *logical.Request) Exchange {
	r := *req
	r.Data = copyMap(req.Data)
	r.Storage = inst.Storage
	if r.Connection == nil {
		r.Connection = &logical.Connection{RemoteAddr: "127.0.0.1"}
	}
	at := time.Now()
	resp, err := inst.Backend.HandleRequest(ctx, &r)
	return Exchange{Side: side, Req: &r, Resp: resp, Err: err, At: at}
}

// Both sends req to each side of m (ours first) and returns both exchanges.
func Both(ctx context.Context, m *Mounts, req *logical.Request) (ours, vault Exchange) {
	return Send(ctx, Ours, m.Ours, req), Send(ctx, Vault, m.Vault, req)
}

func copyMap(in map[string]interface{}) map[string]interface{} {
	if in == nil {
		return nil
	}
	out := make(map[string]interface{}, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}
