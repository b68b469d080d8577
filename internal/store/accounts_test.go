package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/auth"
	"github.com/nexus-intel/nexus/internal/store"
)

// cheapArgon2 keeps the tests fast; the parameters live in the hash, so
// verification is the same code path as with the defaults.
var cheapArgon2 = auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const password = "correct horse battery staple"

// account makes user name of agency A with a password and, unless noTOTP,
// an enrolled TOTP secret, which it returns.
func account(t *testing.T, s *store.Store, name string, noTOTP bool) auth.TOTP {
	t.Helper()
	if err := s.PutAgency(ctx, store.Agency{Code: "A", Name: "Agency A"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutUser(ctx, store.User{Name: name, Agency: "A", Roles: []string{"analyst"}, Part23Trained: true}); err != nil {
		t.Fatal(err)
	}
	h, err := auth.HashPassword(password, cheapArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, name, h); err != nil {
		t.Fatal(err)
	}
	tp := auth.TOTP{Secret: auth.NewTOTPSecret()}
	if !noTOTP {
		if err := s.EnrollTOTP(ctx, name, auth.EncodeSecret(tp.Secret)); err != nil {
			t.Fatal(err)
		}
	}
	return tp
}

func TestLoginMFAAndLockout(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := b.open(t, store.Options{Now: clk.Now})
		tp := account(t, s, "ann", false)
		account(t, s, "nofactor", true)

		if _, err := s.Login(ctx, "nofactor", password, ""); code(err) != nexus.EUNAUTHENTICATED || !strings.Contains(err.Error(), "second factor") {
			t.Errorf("password only, no TOTP enrolled: got %v, want refusal naming the second factor", err)
		}
		if _, err := s.Login(ctx, "ann", password, ""); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("password without code: got %v, want unauthenticated", err)
		}
		u, err := s.Login(ctx, "ann", password, tp.Code(clk.Now()))
		if err != nil {
			t.Fatalf("good logon: %v", err)
		}
		if !u.Part23Trained || !u.Viewer().Part23Trained || u.LastActiveAt.IsZero() {
			t.Errorf("logged-on user: got %+v, want Part 23 training and last activity set", u)
		}
		if _, err := s.Login(ctx, "ann", password, tp.Code(clk.Now())); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("replayed TOTP code: got %v, want unauthenticated", err)
		}
		if _, err := s.Login(ctx, "nobody", password, "123456"); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("unknown user: got %v, want unauthenticated", err)
		}

		// Five failures within 15 minutes lock the account; the replay
		// above was the first.
		clk.Advance(time.Minute)
		for i := 2; i <= 5; i++ {
			_, err := s.Login(ctx, "ann", "wrong password here", tp.Code(clk.Now()))
			if code(err) != nexus.EUNAUTHENTICATED {
				t.Fatalf("failure %d: got %v, want unauthenticated", i, err)
			}
			clk.Advance(2 * time.Minute)
		}
		clk.Advance(30 * time.Second)
		if _, err := s.Login(ctx, "ann", password, tp.Code(clk.Now())); err == nil || !strings.Contains(err.Error(), "locked") {
			t.Fatalf("right password after 5 failures: got %v, want locked", err)
		}
		got, _ := s.GetUser(ctx, "ann")
		if !got.Locked {
			t.Errorf("user not marked locked")
		}
		// Locked stays locked: time alone does not release it.
		clk.Advance(24 * time.Hour)
		if _, err := s.Login(ctx, "ann", password, tp.Code(clk.Now())); err == nil || !strings.Contains(err.Error(), "locked") {
			t.Errorf("a day later: got %v, want still locked", err)
		}
		if err := s.Unlock(ctx, "ann"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Login(ctx, "ann", password, tp.Code(clk.Now())); err != nil {
			t.Errorf("after unlock: %v", err)
		}
		if err := s.Unlock(ctx, "nobody"); code(err) != nexus.ENOTFOUND {
			t.Errorf("unlock unknown: got %v, want not_found", err)
		}

		// Failures spread wider than the window never lock.
		clk.Advance(time.Hour)
		for i := 0; i < 8; i++ {
			s.Login(ctx, "ann", "wrong password here", "000000")
			clk.Advance(4 * time.Minute)
		}
		if got, _ := s.GetUser(ctx, "ann"); got.Locked {
			t.Errorf("8 failures 4 minutes apart locked the account; only 5 within 15 minutes should")
		}
	})
}

func TestInactiveAccountsDisabled(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := b.open(t, store.Options{Now: clk.Now})
		tp := account(t, s, "ann", false)
		account(t, s, "bo", false)
		secret, _, err := s.CreateToken(ctx, "bo", "ci", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(60 * 24 * time.Hour)
		if _, err := s.Login(ctx, "ann", password, tp.Code(clk.Now())); err != nil {
			t.Fatal(err)
		}
		clk.Advance(89 * 24 * time.Hour) // ann used 89 days ago, bo created 149 days ago
		names, err := s.DisableInactiveUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != 1 || names[0] != "bo" {
			t.Errorf("DisableInactiveUsers: got %v, want [bo]", names)
		}
		if _, err := s.Authenticate(ctx, secret); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("token of a disabled account: got %v, want unauthenticated", err)
		}
		clk.Advance(2 * 24 * time.Hour)
		if _, err := s.Login(ctx, "ann", password, tp.Code(clk.Now())); err == nil || !strings.Contains(err.Error(), "90 days") {
			t.Errorf("logon after 91 days unused: got %v, want disabled after 90 days", err)
		}
		if u, _ := s.GetUser(ctx, "ann"); !u.Disabled {
			t.Errorf("ann not disabled")
		}
		if err := s.EnableUser(ctx, "ann"); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
		if _, err := s.Login(ctx, "ann", password, tp.Code(clk.Now())); err != nil {
			t.Errorf("after re-enabling: %v", err)
		}
	})
}

func TestSessionLimits(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := b.open(t, store.Options{Now: clk.Now})
		account(t, s, "ann", false)

		// Idle: a request every 29 minutes keeps the session; 30 idle end it.
		idle, ss, err := s.CreateSession(ctx, "ann", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if ss.CSRF == "" || ss.ExpiresAt.Sub(ss.CreatedAt) != 12*time.Hour || ss.IdleExpiresAt.Sub(ss.CreatedAt) != 30*time.Minute {
			t.Errorf("new session: got %+v", ss)
		}
		for i := 0; i < 3; i++ {
			clk.Advance(29 * time.Minute)
			v, _, err := s.SessionViewer(ctx, idle)
			if err != nil || v.UserID != "ann" {
				t.Fatalf("request %d after 29 minutes: got %v %v", i, v.UserID, err)
			}
		}
		clk.Advance(30 * time.Minute)
		if _, _, err := s.SessionViewer(ctx, idle); err == nil || !strings.Contains(err.Error(), "idle") {
			t.Errorf("after 30 minutes idle: got %v, want idle expiry", err)
		}
		if _, _, err := s.SessionViewer(ctx, idle); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("an ended session came back: %v", err)
		}

		// Absolute: busy for 12 hours, then ended all the same.
		busy, _, err := s.CreateSession(ctx, "ann", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		for elapsed := time.Duration(0); elapsed < 12*time.Hour-10*time.Minute; elapsed += 10 * time.Minute {
			clk.Advance(10 * time.Minute)
			if _, _, err := s.SessionViewer(ctx, busy); err != nil {
				t.Fatalf("busy session at %v: %v", elapsed+10*time.Minute, err)
			}
		}
		clk.Advance(10 * time.Minute)
		if _, _, err := s.SessionViewer(ctx, busy); err == nil || !strings.Contains(err.Error(), "12-hour") {
			t.Errorf("after 12 hours: got %v, want absolute expiry", err)
		}

		// Logout and the kill switch.
		a, _, _ := s.CreateSession(ctx, "ann", "")
		c, _, _ := s.CreateSession(ctx, "ann", "")
		if err := s.DeleteSession(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionViewer(ctx, a); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("after logout: got %v, want unauthenticated", err)
		}
		if err := s.EndUserSessions(ctx, "ann"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionViewer(ctx, c); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("after ending all sessions: got %v, want unauthenticated", err)
		}
	})
}

func TestScopedTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := b.open(t, store.Options{Now: clk.Now})
		account(t, s, "ann", false)
		secret, tk, err := s.CreateScopedToken(ctx, "ann", "screener", clk.Now().Add(time.Hour), []string{"screen", "read"})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(tk.Scopes, ",") != "read,screen" {
			t.Errorf("scopes: got %v, want [read screen]", tk.Scopes)
		}
		_, got, err := s.AuthenticateToken(ctx, secret)
		if err != nil || strings.Join(got.Scopes, ",") != "read,screen" || got.ID != tk.ID {
			t.Errorf("AuthenticateToken: got %+v %v", got, err)
		}
		if _, _, err := s.CreateScopedToken(ctx, "ann", "bad", time.Time{}, []string{"root"}); code(err) != nexus.EINVALID {
			t.Errorf("unknown scope: got %v, want invalid", err)
		}
		account(t, s, "bo", false)
		if err := s.RevokeUserToken(ctx, "bo", tk.ID); code(err) != nexus.ENOTFOUND {
			t.Errorf("another user revoking ann's token: got %v, want not_found", err)
		}
		if err := s.RevokeUserToken(ctx, "ann", tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AuthenticateToken(ctx, secret); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("revoked: got %v, want unauthenticated", err)
		}
	})
}

// TestAuditGroupCommit appends from many goroutines at once: every caller
// gets its own committed event, no sequence number is shared, and the
// chain verifies.
func TestAuditGroupCommit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, store.Options{})
		const workers, each = 16, 40
		got := make(chan audit.Event, workers*each)
		errs := make(chan error, workers*each)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					e, err := s.AppendAudit(ctx, audit.Event{Actor: fmt.Sprintf("w%d", w), Action: audit.ActionRead,
						Object: fmt.Sprintf("obj-%d-%d", w, i), Outcome: audit.Success})
					if err != nil {
						errs <- err
						continue
					}
					got <- e
				}
			}(w)
		}
		wg.Wait()
		close(got)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		stored := map[int64]audit.Event{}
		s.EachAuditEvent(ctx, 0, func(e audit.Event) error { stored[e.Seq] = e; return nil })
		seen := map[int64]bool{}
		for e := range got {
			if seen[e.Seq] {
				t.Fatalf("sequence %d returned twice", e.Seq)
			}
			seen[e.Seq] = true
			if st := stored[e.Seq]; st.Hash != e.Hash || st.Object != e.Object {
				t.Errorf("event %d: returned %s/%s, stored %s/%s", e.Seq, e.Object, e.Hash, st.Object, st.Hash)
			}
		}
		if n, err := s.VerifyAudit(ctx); err != nil || n != workers*each {
			t.Errorf("VerifyAudit: got %d %v, want %d events intact", n, err, workers*each)
		}
		if _, err := s.AppendAudit(ctx, audit.Event{Actor: "x"}); code(err) != nexus.EINVALID {
			t.Errorf("incomplete event: got %v, want invalid", err)
		}
	})
}
