package differential

import (
	"errors"
	"time"

	"github.com/hashicorp/vault/sdk/logical"
)

// The requests below are built the way Vault's expiration manager builds
// them (vault/expiration.go renewEntry, revokeEntry, renewAuthEntry): the
// lease keeps the issuing request's path, the response data and the Secret
// (or Auth) with its internal data; before routing, core stamps the issue
// time and the requested increment and clears the lease id. Core also fixes
// the lease TTL at registration: zero becomes the mount default, anything
// above the mount maximum is cut to it — SecretTTLs does the same with the
// instance's system view.

// ErrNoSecret is returned when the issuing reply carried no Secret.
var ErrNoSecret = errors.New("differential: the issuing reply has no secret")

// ErrNoAuth is returned when the issuing reply carried no Auth.
var ErrNoAuth = errors.New("differential: the issuing reply has no auth")

func leaseTTL(ttl time.Duration, sys logical.SystemView) time.Duration {
	if sys == nil {
		return ttl
	}
	if ttl == 0 {
		ttl = sys.DefaultLeaseTTL()
	}
	if max := sys.MaxLeaseTTL(); max > 0 && ttl > max {
		ttl = max
	}
	return ttl
}

// storedSecret is the secret of the lease issued in ex as Vault's expiration
// manager stores it: the granted TTL and the issue time filled in.
func storedSecret(ex Exchange, sys logical.SystemView) (*logical.Secret, error) {
	if ex.Resp == nil || ex.Resp.Secret == nil {
		return nil, ErrNoSecret
	}
	secret := *ex.Resp.Secret
	secret.TTL = leaseTTL(secret.TTL, sys)
	secret.IssueTime = ex.At
	return &secret, nil
}

// RenewRequest is the renewal of the lease issued in ex, asking for
// increment (0 = the engine's choice).
func RenewRequest(ex Exchange, increment time.Duration, sys logical.SystemView) (*logical.Request, error) {
	secret, err := storedSecret(ex, sys)
	if err != nil {
		return nil, err
	}
	secret.Increment = increment
	secret.LeaseID = ""
	return logical.RenewRequest(ex.Req.Path, secret, copyMap(ex.Resp.Data)), nil
}

// RevokeRequest is the revocation of the lease issued in ex.
func RevokeRequest(ex Exchange, sys logical.SystemView) (*logical.Request, error) {
	secret, err := storedSecret(ex, sys)
	if err != nil {
		return nil, err
	}
	return logical.RevokeRequest(ex.Req.Path, secret, copyMap(ex.Resp.Data)), nil
}

// RenewAuthRequest is the renewal of the token issued by a login in ex
// (auth methods).
func RenewAuthRequest(ex Exchange, increment time.Duration, sys logical.SystemView) (*logical.Request, error) {
	if ex.Resp == nil || ex.Resp.Auth == nil {
		return nil, ErrNoAuth
	}
	auth := *ex.Resp.Auth
	auth.TTL = leaseTTL(auth.TTL, sys)
	auth.IssueTime = ex.At
	auth.Increment = increment
	return logical.RenewAuthRequest(ex.Req.Path, &auth, nil), nil
}
