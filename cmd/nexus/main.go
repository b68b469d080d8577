// Command nexus is the Nexus binary: the server, the importers and the
// administration commands in one program. main only calls run; run is the one
// place that knows the concrete types.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			os.Exit(int(ee))
		}
		fmt.Fprintln(os.Stderr, "nexus:", err)
		os.Exit(1)
	}
}

// exitError asks main to exit with a status without printing more.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

type command struct {
	name  string
	usage string
	run   func(ctx context.Context, env *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP API and UI", cmdServe},
		{"import", "import a list or file as a new dataset version", cmdImport},
		{"entities", "print entities as FtM JSON lines, or count targets", cmdEntities},
		{"screen", "screen a CSV of parties against the lists (screen clear: mark a non-match)", cmdScreen},
		{"lists", "fetch the official lists (lists update)", cmdLists},
		{"migrate", "apply database migrations", cmdMigrate},
		{"audit", "verify or export the audit log", cmdAudit},
		{"intel", "28 CFR Part 23 records: submit, approve, review, disseminate, purge, redress", cmdIntel},
		{"graph", "link analysis on an edge list or the store: centrality, disrupt, communities, neighbours, paths, nexus, export", cmdGraph},
		{"tx", "transactions: import (evaluated as they arrive), alerts, detect, link accounts", cmdTx},
		{"user", "manage agencies, users and API tokens", cmdUser},
		{"version", "print the version", cmdVersion},
	}
}

// run is the whole program: args without the program name, the environment
// as a lookup function, and the standard streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: nexus <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nRun 'nexus <command> -h' for a command's flags. Every flag can also be set")
	fmt.Fprintln(w, "as NEXUS_<FLAG> in the environment (e.g. NEXUS_DATA_DIR, NEXUS_DATABASE_URL).")
}
