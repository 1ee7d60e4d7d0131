package resource

import "strings"

// Singular is the English singular of a resource name, which names its
// model: the last word of a snake_case name is made singular, as in
// blog_posts -> blog_post and people -> person. Irregular words and words
// that are the same in the singular come from two small tables; the rest
// follow the suffix rules.
func Singular(name string) string {
	head, last := "", name
	if i := strings.LastIndexByte(name, '_'); i >= 0 {
		head, last = name[:i+1], name[i+1:]
	}
	return head + singularWord(last)
}

func singularWord(word string) string {
	if word == "" || unchanged[word] {
		return word
	}
	if one, ok := irregular[word]; ok {
		return one
	}
	for _, r := range suffixRules {
		if stem, ok := strings.CutSuffix(word, r.plural); ok && len(stem) >= r.minStem {
			return stem + r.singular
		}
	}
	return word
}

// unchanged words are their own singular: uncountable ones (a resource
// named news has a model named News), and singular ones that end in an s
// that no suffix rule below tells apart from a plural.
var unchanged = map[string]bool{
	"news": true, "series": true, "species": true, "information": true, "equipment": true,
	"feedback": true, "software": true, "hardware": true, "metadata": true, "data": true,
	"media": true, "money": true, "rice": true, "sheep": true, "fish": true, "deer": true,
	"aircraft": true, "staff": true, "police": true, "jeans": true, "advice": true,
	"luggage": true, "baggage": true, "furniture": true, "traffic": true, "music": true,
	"research": true, "evidence": true, "knowledge": true, "content": true,
	"gas": true, "alias": true, "canvas": true, "atlas": true, "lens": true, "bias": true,
	"iris": true, "pancreas": true, "tennis": true, "physics": true, "mathematics": true,
	"economics": true, "statistics": true, "analytics": true, "logistics": true,
	"ethics": true, "politics": true, "headquarters": true, "means": true, "chaos": true,
}

// irregular maps plurals that no suffix rule turns into their singular.
var irregular = map[string]string{
	"people": "person", "children": "child", "men": "man", "women": "woman",
	"mice": "mouse", "geese": "goose", "feet": "foot", "teeth": "tooth", "oxen": "ox",
	"indices": "index", "indexes": "index", "vertices": "vertex", "matrices": "matrix",
	"appendices": "appendix", "criteria": "criterion", "phenomena": "phenomenon",
	"curricula": "curriculum", "syllabi": "syllabus", "cacti": "cactus", "fungi": "fungus",
	"stimuli": "stimulus", "alumni": "alumnus", "radii": "radius", "nuclei": "nucleus",
	"analyses": "analysis", "theses": "thesis", "crises": "crisis", "diagnoses": "diagnosis",
	"hypotheses": "hypothesis", "synopses": "synopsis", "parentheses": "parenthesis",
	"prognoses": "prognosis", "emphases": "emphasis", "oases": "oasis", "axes": "axis",
	"aliases": "alias", "gases": "gas", "canvases": "canvas", "atlases": "atlas",
	"lenses": "lens", "biases": "bias", "quizzes": "quiz",
	"movies": "movie", "cookies": "cookie", "zombies": "zombie", "calories": "calorie",
	"rookies": "rookie", "selfies": "selfie", "smoothies": "smoothie", "goalies": "goalie",
	"brownies": "brownie", "hoodies": "hoodie", "newbies": "newbie", "freebies": "freebie",
	"ties": "tie", "pies": "pie", "lies": "lie", "dies": "die",
	"shoes": "shoe", "canoes": "canoe", "toes": "toe", "oboes": "oboe", "foes": "foe",
	"leaves": "leaf", "lives": "life", "knives": "knife", "wives": "wife", "wolves": "wolf",
	"halves": "half", "shelves": "shelf", "selves": "self", "calves": "calf",
	"thieves": "thief", "loaves": "loaf", "scarves": "scarf", "wharves": "wharf",
	"caches": "cache", "niches": "niche", "avalanches": "avalanche", "headaches": "headache",
	"moustaches": "moustache", "mustaches": "mustache", "creches": "creche",
	"houses": "house", "warehouses": "warehouse", "causes": "cause", "clauses": "clause",
	"pauses": "pause", "uses": "use", "excuses": "excuse", "fuses": "fuse", "abuses": "abuse",
	"blouses": "blouse", "spouses": "spouse", "muses": "muse", "ruses": "ruse",
}

// suffixRules turn a plural ending into a singular one, longest ending
// first, the first that fits winning; minStem keeps a rule off a word too
// short for it.
var suffixRules = []struct {
	plural, singular string
	minStem          int
}{
	{"sses", "ss", 1}, // addresses -> address
	{"shes", "sh", 1}, // wishes -> wish
	{"ches", "ch", 1}, // matches -> match
	{"zzes", "zz", 1}, // buzzes -> buzz
	{"uses", "us", 1}, // statuses -> status, bonuses -> bonus
	{"xes", "x", 1},   // boxes -> box
	{"oes", "o", 2},   // heroes -> hero
	{"ies", "y", 2},   // categories -> category
	{"ves", "ve", 1},  // archives -> archive
	{"ses", "se", 1},  // courses -> course, databases -> database
	{"ss", "ss", 1},   // class, process: singular already
	{"us", "us", 1},   // status, campus: singular already
	{"is", "is", 1},   // analysis, axis: singular already
	{"s", "", 1},      // items -> item
}
