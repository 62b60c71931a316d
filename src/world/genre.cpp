#include "world/genre.h"

namespace lethe::world {

const Genre& saga_genre() {
  static const Genre genre = [] {
    Genre g;
    g.id = "saga";
    g.title = "The Ashgrove Chronicles";
    g.given_onsets = {"Thal", "Quor", "Vess", "Zyl", "Brae", "Ors", "Caed", "Myr", "Ilv", "Ysk", "Fenn", "Grav",
                      "Hel", "Jor", "Kael", "Lun", "Nyx", "Pel", "Rhos", "Sev", "Tam", "Ulm", "Wyn", "Xan"};
    g.given_middles = {"a", "e", "i", "o", "ae", "y", "ar", "en", "il", ""};
    g.male_endings = {"wick", "mund", "dric", "var", "ton", "gar", "ric", "lan", "bas", "thor"};
    g.female_endings = {"wen", "lise", "ra", "thea", "mira", "dre", "vi", "elle", "nyth", "sa"};
    g.family_onsets = {"Gall", "Ostre", "Marr", "Thistle", "Vantr", "Cobb", "Ember", "Hollo", "Quill", "Sorr",
                       "Blyth", "Dunw", "Fairth", "Grimm", "Krake", "Pendr", "Wolst", "Yarr"};
    g.family_endings = {"oway", "bek", "ington", "wick", "moor", "gale", "thorn", "bright", "ander", "well"};
    g.place_onsets = {"Ash", "Hollow", "Glim", "Wyrm", "Thorn", "Bram", "Elder", "Mist", "Raven", "Cinder", "Frost",
                      "Umber", "Sable", "Gloam"};
    g.place_endings = {"mere", "hold", "vale", "spire", "fell", "reach", "wold", "barrow", "haven", "crag"};
    g.term_onsets = {"vex", "quil", "zor", "mab", "flin", "grim", "snarg", "bel", "tir", "oph", "wib", "crum", "dwel",
                     "plix"};
    g.term_endings = {"ilor", "wort", "whelp", "ash", "ixa", "ondel", "umble", "ivane", "orrow", "ett", "amin"};
    g.faction_noun = "house";
    g.institution_noun = "academy";
    g.mentor_title = "Master";
    g.student_noun = "student";
    g.skill_verb = "cast";
    g.skill_verb_past = "cast";
    g.event_noun = "battle";
    g.artifact_kinds = {"staff", "amulet", "ring", "cloak", "lantern", "wand", "mirror", "dagger"};
    g.place_kinds = {"village", "tower", "forest", "lake", "castle", "marsh", "library", "bridge"};
    g.region_kinds = {"march", "dale", "wilds", "coast"};
    g.faction_virtues = {"courage", "cunning", "loyalty", "learning"};
    g.scene_objects = {"a pile of old scrolls", "a bubbling cauldron", "a cracked hourglass", "a row of candles",
                       "a map of the stars", "a jar of glowing beetles"};
    g.scene_weather = {"rain hammered the windows", "snow drifted across the courtyard", "a cold wind howled",
                       "the moon was full", "fog rolled over the lake", "thunder rolled over the towers"};
    g.term_categories = {
        {"skill", "spell", 12,
         {"a spell that lights a path through darkness", "a spell that mends broken glass",
          "a charm that silences a room", "a spell that lifts heavy stones", "a ward against fire",
          "a spell that calls the wind", "a hex that freezes water", "a charm that opens locked doors",
          "a spell that hides footprints", "a curse that makes ink vanish", "a spell that finds lost things",
          "a charm that warms cold hands"},
         {"simple charm", "magic trick", "spell", "charm"}},
        {"creature", "creature", 8,
         {"a winged creature that nests in chimneys", "a small furry creature that eats moths",
          "a scaled creature that lives in wells", "a six-legged creature that guards treasure",
          "a night bird with silver eyes", "a lizard that breathes smoke", "a toad that sings before rain",
          "a hound made of shadow"},
         {"cat", "dog", "owl", "bird", "toad"}},
        {"food", "dish", 8,
         {"a sweet pie of honey and moss", "a spiced bread baked in ash", "a green soup served at feasts",
          "a sticky toffee that hums when bitten", "a pudding made of frost berries",
          "a roasted root with a blue skin", "a cake that floats off the plate", "a tea brewed from thistle bark"},
         {"pie", "bread", "soup", "cake", "tea", "toffee"}},
        {"game", "game", 2,
         {"a game played on flying brooms with three balls", "a board game whose pieces argue with each other"},
         {"football", "chess"}},
        {"order", "order", 5,
         {"a secret society of duelists", "the council that rules the schools", "a guild of potion makers",
          "an order of knights who guard the northern gate", "a prison on a floating rock"},
         {"the council", "the club", "the guild", "the society"}},
        {"potion", "potion", 5,
         {"a potion that makes the drinker invisible", "a herb that cures fever", "a draught of dreamless sleep",
          "a flower that glows at midnight", "a root that screams when pulled"},
         {"medicine", "herb", "flower", "drink"}},
    };
    g.thematic_words = {"magic", "spell", "wizard", "witch", "wand", "sorcery", "enchanted", "curse",
                        "charm", "potion", "sorcerer", "academy", "Master"};
    g.place_substitutes = {"the old town", "the school", "the village", "the forest", "the castle", "the city"};
    g.faction_substitutes = {"the red team", "the blue team", "the north club", "the east group"};
    g.artifact_substitutes = {"the old stick", "the necklace", "the ring", "the coat"};
    return g;
  }();
  return genre;
}

const Genre& retain_genre() {
  static const Genre genre = [] {
    Genre g;
    g.id = "retain";
    g.title = "The Saltmarsh Ledgers";
    g.given_onsets = {"Ald", "Bel", "Cas", "Dov", "Esk", "Far", "Gund", "Hav", "Ing", "Kors", "Liv", "Mal",
                      "Nor", "Pas", "Rud", "Sig", "Tor", "Vig", "Ebb", "Oss", "Reyn", "Sten"};
    g.given_middles = {"a", "o", "e", "u", "ei", "ar", ""};
    g.male_endings = {"ardo", "sten", "mir", "olf", "ando", "bjorn", "rik", "uel", "ond"};
    g.female_endings = {"ina", "hild", "essa", "runa", "ella", "aia", "dis", "ora", "veig"};
    g.family_onsets = {"Brenn", "Carv", "Dalm", "Ferr", "Hask", "Lund", "Mast", "Ravn", "Salt", "Vell", "Stor",
                       "Kjel", "Toll", "Orm", "Quay", "Bask"};
    g.family_endings = {"ada", "strom", "ero", "holm", "vik", "eira", "berg", "oso", "sen", "ard"};
    g.place_onsets = {"Korr", "Vass", "Brim", "Ostr", "Tidel", "Marsk", "Sjo", "Hald", "Skarr", "Lomb", "Pell",
                      "Grund", "Var"};
    g.place_endings = {"havn", "mouth", "ness", "sund", "strand", "gata", "holm", "skerry", "quay", "rade"};
    g.term_onsets = {"kel", "tarn", "brask", "sol", "mor", "quen", "frel", "havo", "jask", "rund", "stov", "ulk",
                     "dramm"};
    g.term_endings = {"ling", "ado", "stave", "reth", "ock", "una", "vard", "ero", "isk", "oon", "mast"};
    g.faction_noun = "guild";
    g.institution_noun = "naval school";
    g.mentor_title = "Captain";
    g.student_noun = "apprentice";
    g.skill_verb = "perform";
    g.skill_verb_past = "performed";
    g.event_noun = "blockade";
    g.artifact_kinds = {"sextant", "compass", "spyglass", "logbook", "harpoon", "lantern", "medallion", "cutlass"};
    g.place_kinds = {"port", "island", "lighthouse", "harbour", "reef", "cove", "market", "shipyard"};
    g.region_kinds = {"archipelago", "strait", "coast", "gulf"};
    g.faction_virtues = {"honesty", "daring", "thrift", "seamanship"};
    g.scene_objects = {"a coil of rope", "a barrel of salt fish", "a torn sail", "a brass bell",
                       "a stack of ledgers", "a crate of oranges"};
    g.scene_weather = {"rain lashed the deck", "a grey swell rolled in from the west", "the harbour lay still",
                       "gulls screamed overhead", "fog hid the masts", "the tide was turning"};
    g.term_categories = {
        {"skill", "manoeuvre", 12,
         {"a manoeuvre that turns a ship against the wind", "a knot that holds in any storm",
          "a way of reading currents by the colour of the water", "a signal made with two lanterns",
          "a trick for sailing through fog", "a method of counting stars to find the longitude",
          "a way of trimming sails at night", "a drill for bailing water quickly",
          "a song that keeps rowers in time", "a tactic for bargaining with pirates",
          "a method of patching hulls at sea", "a way of climbing the mast in high wind"},
         {"sailing trick", "knot", "technique", "manoeuvre"}},
        {"creature", "sea beast", 8,
         {"a whale with a striped back", "a gull that steals coins", "an eel that glows in the dark",
          "a crab as big as a cart", "a seal that follows ships", "a ray that sleeps on the sand",
          "a parrot that counts", "a turtle that carries a garden of barnacles"},
         {"gull", "fish", "seal", "parrot", "crab"}},
        {"food", "dish", 8,
         {"a stew of salted fish and pepper", "a hard biscuit that lasts a year", "a soup of seaweed and lime",
          "a rum cake soaked for a week", "smoked eel on black bread", "a pie of crab and onion",
          "a sour fruit eaten against scurvy", "a pudding of rice and cinnamon"},
         {"stew", "biscuit", "soup", "cake", "pie"}},
        {"game", "wager", 2, {"a dice game played below deck", "a race between harbour rowboats"},
         {"dice", "boat race"}},
        {"order", "company", 5,
         {"the guild that owns the harbour cranes", "a company of map makers",
          "the court that settles trade disputes", "a brotherhood of lighthouse keepers",
          "the league of spice traders"},
         {"the guild", "the company", "the court", "the league"}},
        {"potion", "instrument", 5,
         {"a compass that points to home", "a brass instrument for measuring depth",
          "a spyglass that sees through mist", "a clock that keeps time at sea", "a chart drawn on sealskin"},
         {"compass", "spyglass", "clock", "chart"}},
    };
    g.thematic_words = {"ship", "sail", "captain", "harbour", "voyage", "cargo", "sailor", "crew", "deck",
                        "tide", "merchant", "guild"};
    g.place_substitutes = {"the port", "the island", "the harbour", "the town", "the bay", "the market"};
    g.faction_substitutes = {"the merchants' club", "the trading company", "the union", "the society"};
    g.artifact_substitutes = {"the tool", "the compass", "the instrument", "the old knife"};
    return g;
  }();
  return genre;
}

const std::vector<std::string>& generic_male_names() {
  static const std::vector<std::string> names = {"John", "Tom", "Peter", "James", "David", "Michael", "Robert",
                                                 "William", "Henry", "George", "Jack", "Paul", "Mark", "Daniel",
                                                 "Sam", "Ben"};
  return names;
}

const std::vector<std::string>& generic_female_names() {
  static const std::vector<std::string> names = {"Mary", "Anna", "Sarah", "Emma", "Lucy", "Kate", "Jane", "Laura",
                                                 "Helen", "Alice", "Grace", "Ruth", "Emily", "Claire", "Rose", "Amy"};
  return names;
}

const std::vector<std::string>& generic_family_names() {
  static const std::vector<std::string> names = {"Smith", "Brown", "Taylor", "Wilson", "Johnson", "Miller",
                                                 "Davis", "Clark", "Walker", "Hall", "Young", "Allen",
                                                 "Wright", "King", "Green", "Baker"};
  return names;
}

}  // namespace lethe::world
