package gopanic

import (
	"context"
	"fmt"
	"math"
	"testing"
)

func TestValue(t *testing.T) {
	type celsius float64
	tests := []struct {
		v    any
		want string
	}{
		{"boom", "boom"},
		{"two\nlines", "two\n\tlines"},
		{fmt.Errorf("wrapped: %w", context.Canceled), "wrapped: context canceled"},
		{42, "42"},
		{uint8(7), "7"},
		{true, "true"},
		{1.5, "+1.500000e+000"},
		{-0.000123, "-1.230000e-004"},
		{math.Inf(1), "+Inf"},
		{math.NaN(), "NaN"},
		{complex(1, -2), "(+1.000000e+000-2.000000e+000i)"},
		{nil, "nil"},
		{celsius(3), "gopanic.celsius(+3.000000e+000)"},
		{struct{ X int }{1}, "(struct { X int }) {1}"},
	}
	for _, tt := range tests {
		if got := Value(tt.v); got != tt.want {
			t.Errorf("Value(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
