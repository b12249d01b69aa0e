package errkind

import (
	"errors"
	"fmt"
	"testing"
)

func TestKinds(t *testing.T) {
	cases := []struct {
		err  error
		kind Kind
		code int
		msg  string
	}{
		{InputAt("a.yaml", 3, 5, errors.New("bad")), Input, 2, "a.yaml:3:5: bad"},
		{InputAt("a.yaml", 3, 0, errors.New("bad")), Input, 2, "a.yaml:3: bad"},
		{InputAt("a.yaml", 0, 0, errors.New("bad")), Input, 2, "a.yaml: bad"},
		{fmt.Errorf("load: %w", Inputf("x %d", 1)), Input, 2, "load: x 1"},
		{Envf("registry down"), Env, 3, "registry down"},
		{Findingf("drift"), Finding, 1, "drift"},
		{errors.New("plain"), Unknown, 3, "plain"},
		{SilentFinding(), Finding, 1, "silent finding"},
		{fmt.Errorf("wrapped: %w", &Silent{Kind: Env}), Env, 3, "wrapped: silent environment"},
	}
	for _, c := range cases {
		if got := Of(c.err); got != c.kind {
			t.Errorf("Of(%v) = %v, want %v", c.err, got, c.kind)
		}
		if got := Of(c.err).ExitCode(); got != c.code {
			t.Errorf("exit code of %v = %d, want %d", c.err, got, c.code)
		}
		if c.err.Error() != c.msg {
			t.Errorf("message %q, want %q", c.err.Error(), c.msg)
		}
	}
	if Wrap(Input, nil) != nil {
		t.Error("Wrap(nil) not nil")
	}
}
