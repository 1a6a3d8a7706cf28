package server

import (
	"context"
	"sync"
	"time"
)

// MemoryStore is a Store in memory, for tests and the load script's
// reference. It ignores the KV TTL hint: expiry is the Handler's job.
type MemoryStore struct {
	mu      sync.Mutex
	records map[string][]byte
}

func (m *MemoryStore) Put(_ context.Context, id string, record []byte, _ time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.records == nil {
		m.records = make(map[string][]byte)
	}
	m.records[id] = append([]byte(nil), record...)
	return nil
}

func (m *MemoryStore) Get(_ context.Context, id string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, ok := m.records[id]
	if !ok {
		return nil, ErrNotFound
	}
	return append([]byte(nil), rec...), nil
}

func (m *MemoryStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.records, id)
	return nil
}

// Len is the number of shares held (the usage record is not one).
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id := range m.records {
		if ValidID(id) {
			n++
		}
	}
	return n
}
