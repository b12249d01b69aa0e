package cmdline

import "testing"

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"orders/contract":             "orders/contract",
		"registry:orders@1.0.0":       "registry:orders@1.0.0",
		"oci://127.0.0.1:5000/dev":    "oci://127.0.0.1:5000/dev",
		"a=b,c=d":                     "a=b,c=d",
		"ok_name-1.2.3+build.4":       "ok_name-1.2.3+build.4",
		"contract:orders@^1.2#orders": "'contract:orders@^1.2#orders'",
		"orders@~1.4.0":               "'orders@~1.4.0'",
		"billing@>=2.1 <3":            "'billing@>=2.1 <3'",
		"my dir":                      "'my dir'",
		"it's":                        `'it'\''s'`,
		"":                            "''",
		"$(rm -rf ~)":                 "'$(rm -rf ~)'",
		"*.json":                      "'*.json'",
		"x;y":                         "'x;y'",
		"~/contracts":                 "'~/contracts'",
		"a\nb":                        "'a\nb'",
		"ümlaut":                      "'ümlaut'",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
	if got := Join("dsctl", "gen", "dtos", "--spec", "my api.yaml"); got != "dsctl gen dtos --spec 'my api.yaml'" {
		t.Errorf("Join = %s", got)
	}
}
