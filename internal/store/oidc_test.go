package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/store"
)

func TestOIDCLoginState(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := b.open(t, store.Options{Now: clk.Now})
		l := store.OIDCLogin{Provider: "idp-a", State: "state-1", Binding: "bind-1", Nonce: "n1", Verifier: "v1", SourceAddr: "192.0.2.7"}
		if err := s.StartOIDCLogin(ctx, l); err != nil {
			t.Fatal(err)
		}
		got, err := s.FinishOIDCLogin(ctx, "idp-a", "state-1", "bind-1")
		if err != nil {
			t.Fatal(err)
		}
		if got != l {
			t.Errorf("finish: got %+v, want %+v", got, l)
		}
		if _, err := s.FinishOIDCLogin(ctx, "idp-a", "state-1", "bind-1"); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("replayed state: got %v, want unauthenticated", err)
		}

		// A wrong cookie, a wrong provider and a late callback each refuse,
		// and each uses the state up.
		for _, c := range []struct {
			name, provider, binding string
			wait                    time.Duration
			want                    string
		}{
			{"other browser", "idp-a", "bind-other", 0, "browser"},
			{"other provider", "idp-b", "bind-x", 0, "provider"},
			{"too late", "idp-a", "bind-x", store.OIDCLoginTTL + time.Second, "longer than"},
		} {
			l := store.OIDCLogin{Provider: "idp-a", State: "state-" + c.name, Binding: "bind-x", Nonce: "n", Verifier: "v"}
			if err := s.StartOIDCLogin(ctx, l); err != nil {
				t.Fatal(err)
			}
			clk.Advance(c.wait)
			_, err := s.FinishOIDCLogin(ctx, c.provider, l.State, c.binding)
			if code(err) != nexus.EUNAUTHENTICATED || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: got %v, want unauthenticated naming %q", c.name, err, c.want)
			}
			if _, err := s.FinishOIDCLogin(ctx, "idp-a", l.State, "bind-x"); code(err) != nexus.EUNAUTHENTICATED {
				t.Errorf("%s: second try: got %v, want unauthenticated (state used up)", c.name, err)
			}
		}
		if err := s.StartOIDCLogin(ctx, store.OIDCLogin{Provider: "idp-a", State: "s"}); code(err) != nexus.EINVALID {
			t.Errorf("incomplete login: got %v, want invalid", err)
		}
	})
}

func TestFederatedLogin(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := b.open(t, store.Options{Now: clk.Now})
		account(t, s, "ann", false) // agency A
		if err := s.PutAgency(ctx, store.Agency{Code: "B"}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutUser(ctx, store.User{Name: "bob", Agency: "B", Roles: []string{"administrator"}}); err != nil {
			t.Fatal(err)
		}

		u, err := s.FederatedLogin(ctx, "A", "ann", nil)
		if err != nil || u.Name != "ann" || u.Agency != "A" || !u.LastActiveAt.Equal(clk.Now().UTC().Truncate(time.Microsecond)) {
			t.Fatalf("existing account: got %+v, %v", u, err)
		}
		// Agency A's provider can never sign on agency B's account, even
		// when provisioning is on.
		if _, err := s.FederatedLogin(ctx, "A", "bob", &store.User{Roles: []string{"analyst"}}); code(err) != nexus.EUNAUTHENTICATED || !strings.Contains(err.Error(), "agency B") {
			t.Errorf("other agency's account: got %v, want refusal naming agency B", err)
		}
		if _, err := s.FederatedLogin(ctx, "A", "carol", nil); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("unknown user without provisioning: got %v, want unauthenticated", err)
		}
		if _, err := s.GetUser(ctx, "carol"); code(err) != nexus.ENOTFOUND {
			t.Errorf("refused unknown user was created: %v", err)
		}

		// Provisioning takes the configured defaults and the provider's
		// agency, whatever the defaults say.
		u, err = s.FederatedLogin(ctx, "A", "carol", &store.User{Agency: "B", Roles: []string{"analyst"}, Disabled: true})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.GetUser(ctx, "carol")
		if err != nil {
			t.Fatal(err)
		}
		if stored.Agency != "A" || strings.Join(stored.Roles, ",") != "analyst" || stored.Disabled || stored.CUI || len(stored.Caveats) > 0 || stored.HasPassword {
			t.Errorf("provisioned: got %+v, want agency A, role analyst, nothing else", stored)
		}
		if u.Name != "carol" {
			t.Errorf("provisioned login: got %+v", u)
		}

		if err := s.PutUser(ctx, store.User{Name: "carol", Agency: "A", Disabled: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FederatedLogin(ctx, "A", "carol", &store.User{}); code(err) != nexus.EUNAUTHENTICATED || !strings.Contains(err.Error(), "disabled") {
			t.Errorf("disabled: got %v, want refusal naming disabled", err)
		}
		// 90 days unused disables the account on the spot.
		clk.Advance(91 * 24 * time.Hour)
		if _, err := s.FederatedLogin(ctx, "A", "ann", nil); code(err) != nexus.EUNAUTHENTICATED || !strings.Contains(err.Error(), "90 days") {
			t.Errorf("inactive: got %v, want refusal naming 90 days", err)
		}
		if u, _ := s.GetUser(ctx, "ann"); !u.Disabled {
			t.Errorf("inactive account not disabled")
		}
	})
}
