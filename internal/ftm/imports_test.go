package ftm

import (
	"testing"

	"github.com/nexus-intel/nexus/internal/puretest"
)

// TestPureImports keeps the model free of I/O: no database, network, NATS or
// file access outside tests, so every package can depend on it.
func TestPureImports(t *testing.T) { puretest.CheckImports(t, "ftm") }
