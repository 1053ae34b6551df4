package harness

import (
	"context"

	"github.com/hashicorp/vault/sdk/helper/pluginutil"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// MultiplexConn wraps the plugin connection so that every call made through
// it (all pb.Backend and logical.PluginVersion RPCs of one backend instance)
// carries the gRPC metadata multiplex_id=ID, as Vault core does.
type MultiplexConn struct {
	grpc.ClientConnInterface
	ID string
}

var _ grpc.ClientConnInterface = (*MultiplexConn)(nil)

func (c *MultiplexConn) withID(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, pluginutil.MultiplexingCtxKey, c.ID)
}

// Invoke implements grpc.ClientConnInterface.
func (c *MultiplexConn) Invoke(ctx context.Context, method string, args, reply interface{}, opts ...grpc.CallOption) error {
	return c.ClientConnInterface.Invoke(c.withID(ctx), method, args, reply, opts...)
}

// NewStream implements grpc.ClientConnInterface.
func (c *MultiplexConn) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	return c.ClientConnInterface.NewStream(c.withID(ctx), desc, method, opts...)
}
