package ftm

import "testing"

func TestNormalizeCountry(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"af", "af"}, {"AF", "af"}, {"AFG", "af"}, {"Afghanistan", "af"},
		{"Russia", "ru"}, {"Russian Federation", "ru"}, {"RUS", "ru"},
		{"Iran", "ir"}, {"Iran, Islamic Republic of", "ir"},
		{"Syria", "sy"}, {"Syrian Arab Republic", "sy"},
		{"North Korea", "kp"}, {"Korea, North", "kp"}, {"Korea, Democratic People's Republic of", "kp"},
		{"South Korea", "kr"}, {"Korea, South", "kr"}, {"Korea, Republic of", "kr"},
		{"Burma", "mm"}, {"Myanmar", "mm"},
		{"United Kingdom", "gb"}, {"UK", "gb"}, {"Great Britain", "gb"},
		{"United States", "us"}, {"United States of America", "us"}, {"U.S.A.", "us"},
		{"West Bank", "ps"}, {"Palestinian", "ps"}, {"Gaza", "ps"},
		{"Congo, Democratic Republic of the", "cd"}, {"Democratic Republic of the Congo", "cd"},
		{"Congo, Republic of the", "cg"}, {"Côte d'Ivoire", "ci"}, {"Cote d’Ivoire", "ci"},
		{"Bosnia & Herzegovina", "ba"}, {"Trinidad and Tobago", "tt"},
		{"Venezuela, Bolivarian Republic of", "ve"}, {"Bahamas, The", "bs"}, {"Gambia, The", "gm"},
		{"Laos", "la"}, {"Lao People's Democratic Republic", "la"}, {"Turkey", "tr"}, {"Türkiye", "tr"},
		{"Micronesia, Federated States of", "fm"}, {"Tanzania, United Republic of", "tz"},
		{"Kosovo", "xk"}, {"Soviet Union", "suhh"}, {"USSR", "suhh"}, {"Yugoslavia", "yucs"},
		{"Serbia and Montenegro", "csxx"}, {"East Germany", "ddde"}, {"Crimea", "ua-cri"},
		{"Region: Crimea", "ua-cri"}, {"  mexico  ", "mx"}, {"MEXICO", "mx"}, {"Vietnam", "vn"},
		{"Viet Nam", "vn"}, {"Eswatini", "sz"}, {"Swaziland", "sz"}, {"North Macedonia", "mk"},
		{"Republic of Mali", "ml"}, {"Holy See", "va"}, {"Cabo Verde", "cv"}, {"Cape Verde", "cv"},
		{"Timor-Leste", "tl"}, {"Guinea-Bissau", "gw"}, {"South Sudan", "ss"}, {"Sudan", "sd"},
		{"Saint Vincent and the Grenadines", "vc"}, {"St. Lucia", "lc"}, {"Sao Tome and Principe", "st"},
		{"Brunei", "bn"}, {"Czech Republic", "cz"}, {"Czechia", "cz"}, {"Moldova", "md"},
	} {
		got, ok := NormalizeCountry(tc.in)
		if !ok || got != tc.want {
			t.Errorf("NormalizeCountry(%q): got %q, %v; want %q, true", tc.in, got, ok, tc.want)
		}
	}
	for _, in := range []string{"", "Atlantis", "Korea, Middle", "zzz", "United"} {
		if got, ok := NormalizeCountry(in); ok {
			t.Errorf("NormalizeCountry(%q): got %q, true; want false", in, got)
		}
	}
}

// Every UN member state must be reachable by its name; this is the list the
// UN Security Council list itself uses.
func TestCountryTableComplete(t *testing.T) {
	if n := len(isoCountries); n != 249 {
		t.Errorf("ISO 3166-1 table: got %d rows, want 249", n)
	}
	seen := map[string]bool{}
	for _, c := range isoCountries {
		if seen[c.alpha2] || seen[c.alpha3] {
			t.Errorf("duplicate code in %v", c)
		}
		seen[c.alpha2], seen[c.alpha3] = true, true
		if len(c.alpha2) != 2 || len(c.alpha3) != 3 {
			t.Errorf("bad codes in %v", c)
		}
		if got, ok := NormalizeCountry(c.name); !ok || got != c.alpha2 {
			t.Errorf("NormalizeCountry(%q): got %q, %v; want %q", c.name, got, ok, c.alpha2)
		}
		if !IsCountry(c.alpha2) {
			t.Errorf("IsCountry(%q): got false", c.alpha2)
		}
	}
	for k, v := range countryAliases {
		if !IsCountry(v) {
			t.Errorf("alias %q maps to unknown code %q", k, v)
		}
		if k != countryKey(k) {
			t.Errorf("alias %q is not in key form %q", k, countryKey(k))
		}
	}
	if got := CountryName("kp"); got != "North Korea" {
		t.Errorf("CountryName(kp): got %q, want North Korea", got)
	}
}

func TestNormalizeDate(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1962", "1962"},
		{"Jan 1962", "1962-01"},
		{"JAN 1962", "1962-01"},
		{"January 1962", "1962-01"},
		{"01 Jan 1962", "1962-01-01"},
		{"1 January 1962", "1962-01-01"},
		{"January 1, 1962", "1962-01-01"},
		{"1st January 1962", "1962-01-01"},
		{"1962-01-01", "1962-01-01"},
		{"1962-01", "1962-01"},
		{"circa 1962", "1962"},
		{"Circa 1962", "1962"},
		{"c. 1962", "1962"},
		{"ca. Jan 1962", "1962-01"},
		{"approximately 1962", "1962"},
		{"12/31/1962", "1962-12-31"},
		{"1/2/1962", "1962-01-02"},
		{"31.12.1962", "1962-12-31"},
		{"31-12-1962", "1962-12-31"},
		{"06/1962", "1962-06"},
		{" 1962-01-01T10:00:00 ", "1962-01-01T10:00:00"},
		{"1962-01-01 10:00:00", "1962-01-01T10:00:00"},
	} {
		got, ok := NormalizeDate(tc.in)
		if !ok || got != tc.want {
			t.Errorf("NormalizeDate(%q): got %q, %v; want %q, true", tc.in, got, ok, tc.want)
		}
	}
	for _, in := range []string{"", "soon", "1962 to 1964", "31/12/1962", "13/01/1962", "Feb 30 1962", "62", "circa", "1962-02-30", "0000"} {
		if got, ok := NormalizeDate(in); ok {
			t.Errorf("NormalizeDate(%q): got %q, true; want false", in, got)
		}
	}
}

func FuzzNormalizeDate(f *testing.F) {
	for _, s := range []string{"1962", "Jan 1962", "12/31/1962", "circa 1962", "1962-01-01T10:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := NormalizeDate(s)
		if ok && !IsDate(got) {
			t.Fatalf("NormalizeDate(%q): got %q, which IsDate rejects", s, got)
		}
	})
}
