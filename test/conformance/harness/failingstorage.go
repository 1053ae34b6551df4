package harness

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/hashicorp/vault/sdk/logical"
)

// ErrInjected is what an armed FailingStorage returns instead of writing.
var ErrInjected = errors.New("harness: injected storage failure")

// FailingStorage wraps a storage and makes chosen Puts fail, as a storage
// backend that errors in the middle of a request would (disk full, Raft
// leadership lost). Pass it as InstanceOptions.Storage: the plugin reaches
// it over the broker like any storage. Reads, lists and deletes always go
// through, so a test can look at what the failed request left behind.
type FailingStorage struct {
	logical.Storage

	mu sync.Mutex
	// prefix: only Puts of keys starting with it count ("" = every Put).
	prefix string
	// skip: matching Puts still to let through before failing.
	skip int
	// remaining: matching Puts still to fail (0 = disarmed).
	remaining int
	// puts: every key a Put was asked for, failed or not, in order.
	puts []string
}

// NewFailingStorage wraps inner (a fresh InmemStorage when nil).
func NewFailingStorage(inner logical.Storage) *FailingStorage {
	if inner == nil {
		inner = &logical.InmemStorage{}
	}
	return &FailingStorage{Storage: inner}
}

// FailPut arms the storage: after letting `skip` Puts of keys starting
// with prefix through, the next `count` such Puts fail with ErrInjected.
func (s *FailingStorage) FailPut(prefix string, skip, count int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prefix, s.skip, s.remaining = prefix, skip, count
}

// Disarm lets every Put through again.
func (s *FailingStorage) Disarm() { s.FailPut("", 0, 0) }

// Puts returns the keys of every Put asked for since the storage was made.
func (s *FailingStorage) Puts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.puts...)
}

// Put fails when armed and the key matches, else writes through.
func (s *FailingStorage) Put(ctx context.Context, entry *logical.StorageEntry) error {
	s.mu.Lock()
	s.puts = append(s.puts, entry.Key)
	fail := false
	if s.remaining > 0 && strings.HasPrefix(entry.Key, s.prefix) {
		if s.skip > 0 {
			s.skip--
		} else {
			s.remaining--
			fail = true
		}
	}
	s.mu.Unlock()
	if fail {
		return ErrInjected
	}
	return s.Storage.Put(ctx, entry)
}
