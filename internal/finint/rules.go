package finint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Typology names, as used in rule files and alerts.
const (
	Structuring   = "structuring"
	CTR           = "ctr"
	Smurfing      = "smurfing"
	FanIn         = "fan_in"
	FanOut        = "fan_out"
	ScatterGather = "scatter_gather"
	GatherScatter = "gather_scatter"
	Funnel        = "funnel"
	PassThrough   = "pass_through"
	Cycle         = "cycle"
	Chain         = "chain"
	Dormant       = "dormant"
	Exposure      = "exposure"
)

// Typologies lists every typology the engine knows.
var Typologies = []string{Structuring, CTR, Smurfing, FanIn, FanOut, ScatterGather,
	GatherScatter, Funnel, PassThrough, Cycle, Chain, Dormant, Exposure}

// Duration is a time.Duration written in rule files as "36h", "4d" or "2w".
type Duration time.Duration

// ParseDuration accepts Go durations plus whole days ("4d") and weeks ("2w").
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if v, err := strconv.Atoi(n); err == nil && v >= 0 {
			return Duration(time.Duration(v) * 24 * time.Hour), nil
		}
	}
	if n, ok := strings.CutSuffix(s, "w"); ok {
		if v, err := strconv.Atoi(n); err == nil && v >= 0 {
			return Duration(time.Duration(v) * 7 * 24 * time.Hour), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid duration %q (want e.g. 36h, 4d, 2w)", s)
	}
	return Duration(d), nil
}

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string such as \"4d\"")
	}
	v, err := ParseDuration(s)
	*d = v
	return err
}

// MarshalJSON writes the duration in the shortest of days or Go form.
func (d Duration) MarshalJSON() ([]byte, error) {
	td := time.Duration(d)
	if td > 0 && td%(24*time.Hour) == 0 {
		return json.Marshal(strconv.Itoa(int(td/(24*time.Hour))) + "d")
	}
	return json.Marshal(td.String())
}

// Rule is one typology with the parameters an FIU tunes. Which fields a typology reads is
// documented in Typology comments below and checked by Validate.
type Rule struct {
	ID       string   `json:"id"`       // unique within the rule set; defaults to Typology
	Typology string   `json:"typology"` // one of Typologies
	Window   Duration `json:"window"`   // how far back the rule looks

	Threshold Amount `json:"threshold,omitempty"`  // structuring, ctr: the reporting threshold (total must exceed it)
	Floor     Amount `json:"floor,omitempty"`      // structuring: the lowest amount counted as "just under"
	MinAmount Amount `json:"min_amount,omitempty"` // amounts below are ignored (0: no floor)
	MaxAmount Amount `json:"max_amount,omitempty"` // amounts at or above are ignored (0: no ceiling)

	MinCount          int `json:"min_count,omitempty"`          // structuring: deposits in the window; chain: hops
	MinCounterparties int `json:"min_counterparties,omitempty"` // fan_in, fan_out, scatter/gather: distinct counterparties
	MinConductors     int `json:"min_conductors,omitempty"`     // smurfing: distinct conductors
	MinLocations      int `json:"min_locations,omitempty"`      // funnel: distinct deposit locations

	Ratio           float64  `json:"ratio,omitempty"`            // pass_through, funnel: share of inflow that leaves
	MaxHops         int      `json:"max_hops,omitempty"`         // cycle, chain (≤ 6), exposure (k)
	AmountTolerance float64  `json:"amount_tolerance,omitempty"` // cycle, chain, fan_in/out: relative spread allowed between amounts (0: any)
	Ordered         bool     `json:"ordered,omitempty"`          // cycle, chain, exposure: hops must follow each other in time
	DormantFor      Duration `json:"dormant_for,omitempty"`      // dormant: silence before the activation
	Types           []Type   `json:"types,omitempty"`            // only these transaction types (empty: the typology's default)

	BaseScore float64 `json:"base_score,omitempty"` // score when the rule is just met (default 0.5); grows to 1 with the excess
}

// RuleSet is a rule file: a version label and the rules.
type RuleSet struct {
	Version string `json:"version"`
	Rules   []Rule `json:"rules"`
}

// ParseRules reads a JSON rule file and validates every rule.
func ParseRules(b []byte) (RuleSet, error) {
	var rs RuleSet
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rs); err != nil {
		return rs, fmt.Errorf("rules: %w", err)
	}
	seen := map[string]bool{}
	for i := range rs.Rules {
		r := &rs.Rules[i]
		if r.ID == "" {
			r.ID = r.Typology
		}
		if err := r.Validate(); err != nil {
			return rs, fmt.Errorf("rules: rule %d (%s): %w", i+1, r.ID, err)
		}
		if seen[r.ID] {
			return rs, fmt.Errorf("rules: rule %d: duplicate id %q", i+1, r.ID)
		}
		seen[r.ID] = true
	}
	return rs, nil
}

// Validate checks that the rule names a known typology and sets the parameters it needs.
func (r *Rule) Validate() error {
	pos := func(name string, v int) error {
		if v < 1 {
			return fmt.Errorf("%s must be at least 1", name)
		}
		return nil
	}
	if r.Window <= 0 && r.Typology != Dormant && r.Typology != CTR {
		return fmt.Errorf("window must be positive")
	}
	if r.BaseScore < 0 || r.BaseScore > 1 {
		return fmt.Errorf("base_score must be in [0,1]")
	}
	if r.AmountTolerance < 0 {
		return fmt.Errorf("amount_tolerance must not be negative")
	}
	for _, t := range r.Types {
		if _, err := ParseType(string(t)); err != nil {
			return err
		}
	}
	switch r.Typology {
	case Structuring:
		if r.Threshold <= 0 || r.Floor <= 0 || r.Floor >= r.Threshold {
			return fmt.Errorf("needs 0 < floor < threshold")
		}
		return pos("min_count", r.MinCount)
	case CTR:
		if r.Threshold <= 0 {
			return fmt.Errorf("needs a positive threshold")
		}
	case Smurfing:
		return pos("min_conductors", r.MinConductors)
	case FanIn, FanOut, ScatterGather, GatherScatter:
		return pos("min_counterparties", r.MinCounterparties)
	case Funnel:
		return pos("min_locations", r.MinLocations)
	case PassThrough:
		if r.Ratio <= 0 || r.Ratio > 1 {
			return fmt.Errorf("ratio must be in (0,1]")
		}
	case Cycle:
		if r.MaxHops < 2 || r.MaxHops > 6 {
			return fmt.Errorf("max_hops must be 2..6")
		}
	case Chain:
		if r.MinCount < 2 || r.MaxHops < r.MinCount || r.MaxHops > 6 {
			return fmt.Errorf("chain needs 2 ≤ min_count ≤ max_hops ≤ 6")
		}
		if r.AmountTolerance <= 0 {
			return fmt.Errorf("chain needs an amount_tolerance: the amount passed on is what links the hops")
		}
	case Exposure:
		if r.MaxHops < 1 || r.MaxHops > 6 {
			return fmt.Errorf("max_hops must be 1..6")
		}
	case Dormant:
		if r.DormantFor <= 0 {
			return fmt.Errorf("dormant_for must be positive")
		}
	default:
		return fmt.Errorf("unknown typology %q (want one of %s)", r.Typology, strings.Join(Typologies, ", "))
	}
	return nil
}

// DefaultRules is a starting rule file for a US bank: the $10,000 CTR threshold and
// windows taken from FinCEN guidance and common practice. FIUs are expected to tune it.
const DefaultRules = `{
  "version": "default-1",
  "rules": [
    {"typology": "structuring", "window": "4d", "threshold": "10000.00", "floor": "8000.00", "min_count": 3, "base_score": 0.6},
    {"typology": "ctr", "threshold": "10000.00", "base_score": 0.3},
    {"typology": "smurfing", "window": "3d", "min_conductors": 4, "types": ["cash_deposit"], "base_score": 0.5},
    {"typology": "fan_in", "window": "3d", "min_counterparties": 8, "amount_tolerance": 0.2},
    {"typology": "fan_out", "window": "3d", "min_counterparties": 8, "amount_tolerance": 0.2},
    {"typology": "scatter_gather", "window": "3d", "min_counterparties": 3},
    {"typology": "gather_scatter", "window": "3d", "min_counterparties": 4},
    {"typology": "funnel", "window": "7d", "min_locations": 3, "ratio": 0.7, "base_score": 0.6},
    {"typology": "pass_through", "window": "6h", "ratio": 0.9, "min_amount": "5000.00"},
    {"typology": "cycle", "window": "14d", "max_hops": 6, "amount_tolerance": 0.2, "ordered": true, "base_score": 0.6},
    {"typology": "chain", "window": "7d", "min_count": 3, "max_hops": 6, "amount_tolerance": 0.02, "ordered": true, "base_score": 0.5},
    {"typology": "dormant", "dormant_for": "180d", "min_amount": "5000.00"},
    {"typology": "exposure", "window": "30d", "max_hops": 3, "ordered": true, "base_score": 0.7}
  ]
}`
