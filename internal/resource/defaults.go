package resource

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Literals that a field spec's default may be, checked before a default is
// spelled one way (canonicalDefault).
var (
	intLiteral     = lazyRegexp(`^-?[0-9]+$`)
	decimalLiteral = lazyRegexp(`^(-?)([0-9]+)(?:\.([0-9]+))?$`)
	dateLiteral    = lazyRegexp(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	slugLiteral    = lazyRegexp(`^[-a-zA-Z0-9_]+$`)
)

// canonicalDefault checks a default and spells it one way, so that the same
// value always renders the same code.
func canonicalDefault(f Field) (string, error) {
	switch f.Kind {
	case Str, Text, Email, URL, Slug:
		return textDefault(f)
	case Int, BigInt:
		return intDefault(f)
	case Decimal:
		return decimalDefault(f)
	case Float:
		return floatDefault(f.Default)
	case Bool:
		return boolDefault(f.Default)
	case Date:
		return dateDefault(f.Default)
	case DateTime, UUID, JSON:
		return keywordDefault(f)
	case Choice:
		return choiceDefault(f)
	}
	return "", fmt.Errorf("a %s field takes no default", f.Kind)
}

// textDefault checks the default of a field that holds text: a Python
// string literal without escapes, that fits the field.
func textDefault(f Field) (string, error) {
	v := f.Default
	for _, r := range v {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return "", fmt.Errorf("a text default may use printable ASCII characters other than '\"' and '\\'")
		}
	}
	if f.Kind == Str && len(v) > f.MaxLength {
		return "", fmt.Errorf("the default has %d characters, more than the field's length %d", len(v), f.MaxLength)
	}
	if f.Kind == Slug && !slugLiteral().MatchString(v) {
		return "", fmt.Errorf("a slug default uses only letters, digits, \"-\" and \"_\"")
	}
	if limit := map[Kind]int{Email: 254, URL: 200, Slug: 50}[f.Kind]; limit > 0 && len(v) > limit {
		return "", fmt.Errorf("the default has %d characters, more than the %d an %s field holds", len(v), limit, f.Kind)
	}
	return v, nil
}

// intDefault spells a whole number in the field's range without leading
// zeros or sign.
func intDefault(f Field) (string, error) {
	bits := 32
	if f.Kind == BigInt {
		bits = 64
	}
	n, err := strconv.ParseInt(f.Default, 10, bits)
	if !intLiteral().MatchString(f.Default) || err != nil {
		return "", fmt.Errorf("the default of an %s must be a whole number in the %d-bit range, not %q", f.Kind, bits, f.Default)
	}
	return strconv.FormatInt(n, 10), nil
}

// decimalDefault spells a decimal number that fits the field's digits and
// decimal places, without leading zeros.
func decimalDefault(f Field) (string, error) {
	v := f.Default
	m := decimalLiteral().FindStringSubmatch(v)
	if m == nil {
		return "", fmt.Errorf("the default of a decimal is a number such as 9.99, not %q", v)
	}
	sign, whole, fraction := m[1], strings.TrimLeft(m[2], "0"), m[3]
	if whole == "" {
		whole = "0"
	}
	if len(fraction) > f.DecimalPlaces {
		return "", fmt.Errorf("the default %s has more than %d decimal places", v, f.DecimalPlaces)
	}
	if whole != "0" && len(whole) > f.MaxDigits-f.DecimalPlaces {
		return "", fmt.Errorf("the default %s does not fit in %d digits with %d decimal places", v, f.MaxDigits, f.DecimalPlaces)
	}
	out := sign + whole
	if fraction != "" {
		out += "." + fraction
	}
	return out, nil
}

// floatDefault spells a finite number as Python prints it.
func floatDefault(v string) (string, error) {
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) || strings.ContainsAny(v, "xXpP_") {
		return "", fmt.Errorf("the default of a float is a finite number such as 0.5, not %q", v)
	}
	return pyFloat(x), nil
}

// boolDefault spells true or false in lowercase.
func boolDefault(v string) (string, error) {
	switch strings.ToLower(v) {
	case "true":
		return "true", nil
	case "false":
		return "false", nil
	}
	return "", fmt.Errorf("the default of a bool is true or false, not %q", v)
}

// dateDefault takes today, or a real date written as YYYY-MM-DD.
func dateDefault(v string) (string, error) {
	if v == "today" {
		return v, nil
	}
	if _, err := time.Parse("2006-01-02", v); err != nil || !dateLiteral().MatchString(v) {
		return "", fmt.Errorf("the default of a date is today or a date such as 2024-12-31, not %q", v)
	}
	return v, nil
}

// keywordDefault takes the one word, or words, that a datetime, uuid or
// json default may be.
func keywordDefault(f Field) (string, error) {
	v := f.Default
	switch f.Kind {
	case DateTime:
		if v == "now" {
			return v, nil
		}
		return "", fmt.Errorf("the default of a datetime is now, not %q", v)
	case UUID:
		if v == "uuid4" {
			return v, nil
		}
		return "", fmt.Errorf("the default of a uuid is uuid4, a new random UUID, not %q", v)
	}
	switch v {
	case "dict", "{}":
		return "{}", nil
	case "list", "[]":
		return "[]", nil
	}
	return "", fmt.Errorf("the default of a json field is {} or [], not %q", v)
}
