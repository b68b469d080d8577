package main

import (
	"context"
	"fmt"
)

func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs := e.flags("migrate")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	// Open applies pending migrations under a lock.
	st, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(e.stdout, "%s database is up to date\n", st.Dialect())
	return nil
}

func cmdVersion(ctx context.Context, e *env, args []string) error {
	fmt.Fprintln(e.stdout, "nexus", version)
	return nil
}
