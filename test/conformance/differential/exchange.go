package differential

import (
	"context"
	"errors"
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
//
// A write (CreateOperation or UpdateOperation) first goes through the
// backend's existence check and becomes a create or an update as Vault core
// decides it (vault/request_handling.go existenceCheck): no check on the path
// means update, otherwise create unless the resource exists. So each engine
// sees the operation it would see behind a real Vault.
func Send(ctx context.Context, side Side, inst *harness.Instance, req *logical.Request) Exchange {
	r := *req
	r.Data = copyMap(req.Data)
	r.Storage = inst.Storage
	if r.Connection == nil {
		r.Connection = &logical.Connection{RemoteAddr: "127.0.0.1"}
	}
	at := time.Now()
	if r.Operation == logical.CreateOperation || r.Operation == logical.UpdateOperation {
		op, err := existenceCheck(ctx, inst.Backend, &r)
		if err != nil {
			return Exchange{Side: side, Req: &r, Err: err, At: at}
		}
		r.Operation = op
	}
	resp, err := inst.Backend.HandleRequest(ctx, &r)
	return Exchange{Side: side, Req: &r, Resp: resp, Err: err, At: at}
}

func existenceCheck(ctx context.Context, be logical.Backend, req *logical.Request) (logical.Operation, error) {
	checkFound, exists, err := be.HandleExistenceCheck(ctx, req)
	switch {
	case errors.Is(err, logical.ErrUnsupportedPath):
		// Vault lets the request fail later on the bad path.
		return logical.UpdateOperation, nil
	case err != nil:
		return "", err
	case !checkFound:
		return logical.UpdateOperation, nil
	case exists:
		return logical.UpdateOperation, nil
	default:
		return logical.CreateOperation, nil
	}
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
