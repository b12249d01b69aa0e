package codegen

import (
	"go/types"
	"sort"
	"testing"
)

// TestStubsMatchStdlib checks every declaration of the stubs against the
// real standard library: same kind, same type.
func TestStubsMatchStdlib(t *testing.T) {
	real := newImporter()
	if real == nil {
		t.Skip("standard library source not installed")
	}
	st := &stubImporter{pkgs: map[string]*types.Package{}}
	qual := func(p *types.Package) string { return p.Name() }
	paths := make([]string, 0, len(stdlibStubs))
	for p := range stdlibStubs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		sp, err := st.Import(path)
		if err != nil {
			t.Fatal(err)
		}
		rp, err := real.Import(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range sp.Scope().Names() {
			so := sp.Scope().Lookup(name)
			if !so.Exported() {
				continue
			}
			ro := rp.Scope().Lookup(name)
			if ro == nil {
				t.Errorf("%s.%s: not in the standard library", path, name)
				continue
			}
			if got, want := types.ObjectString(so, qual), types.ObjectString(ro, qual); got != want && !isNamedType(so) {
				t.Errorf("%s.%s: stub %s, real %s", path, name, got, want)
			}
			if tn, ok := so.(*types.TypeName); ok {
				if _, isStruct := tn.Type().Underlying().(*types.Struct); !isStruct {
					if got, want := types.TypeString(tn.Type().Underlying(), qual), types.TypeString(ro.Type().Underlying(), qual); got != want {
						t.Errorf("%s.%s: stub underlying %s, real %s", path, name, got, want)
					}
				}
				sms := types.NewMethodSet(types.NewPointer(tn.Type()))
				rms := types.NewMethodSet(types.NewPointer(ro.Type()))
				for i := 0; i < sms.Len(); i++ {
					m := sms.At(i)
					rm := rms.Lookup(m.Obj().Pkg(), m.Obj().Name())
					if rm == nil {
						// Methods of the real type live in the real package.
						rm = rms.Lookup(rp, m.Obj().Name())
					}
					if rm == nil {
						t.Errorf("%s.%s.%s: no such method", path, name, m.Obj().Name())
						continue
					}
					if got, want := types.TypeString(m.Type(), qual), types.TypeString(rm.Type(), qual); got != want {
						t.Errorf("%s.%s.%s: stub %s, real %s", path, name, m.Obj().Name(), got, want)
					}
				}
			}
		}
	}
}

func isNamedType(o types.Object) bool {
	_, ok := o.(*types.TypeName)
	return ok
}

func TestTypeCheckFallsBackToRealStdlib(t *testing.T) {
	if newImporter() == nil {
		t.Skip("standard library source not installed")
	}
	// json.NewEncoder is not stubbed: the stub check fails, the real one passes.
	ok := "package p\n\nimport (\n\t\"encoding/json\"\n\t\"io\"\n)\n\nfunc F(w io.Writer) *json.Encoder { return json.NewEncoder(w) }\n"
	if err := typeCheck([]byte(ok), "p"); err != nil {
		t.Errorf("valid code refused: %v", err)
	}
	bad := "package p\n\nimport \"encoding/json\"\n\nvar X json.RawMessage = 3\n"
	if err := typeCheck([]byte(bad), "p"); err == nil {
		t.Error("invalid code accepted")
	}
	clash := "package p\n\nimport \"time\"\n\ntype A time.Time\n\ntype A int\n"
	if err := typeCheck([]byte(clash), "p"); err == nil || !redeclaredRE.MatchString(err.Error()) {
		t.Errorf("clash: %v", err)
	}
}
