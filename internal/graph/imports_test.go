package graph

import (
	"testing"

	"github.com/nexus-intel/nexus/internal/puretest"
)

// TestPureImports keeps the graph engine free of I/O: no database, network, NATS or
// file access outside tests; the store-backed graph lives in internal/network.
func TestPureImports(t *testing.T) { puretest.CheckImports(t, "graph") }
