#include "unlearn/generic_substitutes.h"

#include <algorithm>
#include <string>

#include "util/content_hash.h"
#include "util/words.h"

namespace lethe::unlearn {
namespace {

const std::vector<std::string> kMaleNames = {
    "James", "John", "Robert", "Michael", "William", "Richard", "Joseph", "Thomas", "Charles", "Christopher",
    "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul", "Andrew", "Joshua", "Kenneth",
    "Kevin", "Brian", "George", "Timothy", "Ronald", "Edward", "Jason", "Jeffrey", "Ryan", "Jacob",
    "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon", "Benjamin",
    "Samuel", "Gregory", "Frank", "Alexander", "Raymond", "Patrick", "Jack", "Dennis", "Jerry", "Tyler",
    "Aaron", "Henry", "Adam", "Douglas", "Nathan", "Peter", "Zachary", "Kyle", "Walter", "Harold",
    "Carl", "Arthur", "Gerald", "Roger", "Keith", "Jeremy", "Terry", "Lawrence", "Sean", "Christian",
    "Albert", "Joe", "Ethan", "Austin", "Jesse", "Willie", "Billy", "Bryan", "Bruce", "Jordan",
    "Ralph", "Roy", "Noah", "Dylan", "Eugene", "Wayne", "Alan", "Juan", "Louis", "Russell",
    "Gabriel", "Randy", "Philip", "Harry", "Vincent", "Bobby", "Johnny", "Logan", "Tom", "Leo"};
const std::vector<std::string> kFemaleNames = {
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
    "Lisa", "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily", "Donna", "Michelle",
    "Carol", "Amanda", "Dorothy", "Melissa", "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia",
    "Kathleen", "Amy", "Angela", "Shirley", "Anna", "Brenda", "Pamela", "Emma", "Nicole", "Helen",
    "Samantha", "Katherine", "Christine", "Debra", "Rachel", "Carolyn", "Janet", "Catherine", "Maria", "Heather",
    "Diane", "Ruth", "Julie", "Olivia", "Joyce", "Virginia", "Victoria", "Kelly", "Lauren", "Christina",
    "Joan", "Evelyn", "Judith", "Megan", "Andrea", "Cheryl", "Hannah", "Jacqueline", "Martha", "Gloria",
    "Teresa", "Ann", "Sara", "Madison", "Frances", "Kathryn", "Janice", "Jean", "Abigail", "Alice",
    "Judy", "Sophia", "Grace", "Denise", "Amber", "Doris", "Marilyn", "Danielle", "Beverly", "Isabella",
    "Theresa", "Diana", "Natalie", "Brittany", "Charlotte", "Marie", "Kayla", "Alexis", "Lori", "Clara"};
const std::vector<std::string> kUnknownGenderNames = {"Alex", "Sam", "Robin", "Casey", "Jamie", "Morgan", "Taylor",
                                                      "Riley", "Jessie", "Kerry", "Quinn", "Avery", "Drew",
                                                      "Jody", "Lee", "Terry", "Dana", "Frankie", "Sidney", "Blake"};
const std::vector<std::string> kFamilyNames = {
    "Smith", "Brown", "Taylor", "Wilson", "Clark", "Miller", "Baker", "Carter", "Turner", "Walker",
    "Wright", "Cooper", "Hill", "Green", "Hall", "Wood", "King", "Ward", "Parker", "Evans",
    "Hughes", "Moore", "Cole", "Reed", "Johnson", "Williams", "Jones", "Davis", "Anderson", "Thomas",
    "Jackson", "White", "Harris", "Martin", "Thompson", "Robinson", "Lewis", "Lee", "Allen", "Young",
    "Scott", "Adams", "Nelson", "Mitchell", "Roberts", "Campbell", "Phillips", "Edwards", "Collins", "Stewart",
    "Morris", "Rogers", "Cook", "Morgan", "Bell", "Murphy", "Bailey", "Cox", "Howard", "Richardson",
    "Watson", "Brooks", "Ford", "James", "Bennett", "Gray", "Barnes", "Price", "Sanders", "Myers",
    "Long", "Ross", "Foster", "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Fisher", "Henderson"};
const std::vector<std::string> kPlaces = {
    "the town", "the village", "the city", "the valley", "the harbour", "the hills", "the castle", "the market",
    "the farm", "the old fort", "the coast", "the forest", "the capital", "the island", "the bridge", "the mill",
    "the plain", "the river town", "the port", "the lowlands", "the highlands", "the borderland", "the old city",
    "the crossroads", "the oasis", "the desert town", "the north country", "the south country", "the hill town",
    "the lake", "the marshes", "the pass", "the meadow", "the settlement", "the outpost", "the ford",
    "the well", "the grove", "the ridge", "the far country"};
const std::vector<std::string> kPeoplesPlural = {
    "strangers", "foreigners", "herdsmen", "traders", "hill folk", "marsh folk", "northerners", "southerners",
    "easterners", "westerners", "nomads", "villagers", "townsfolk", "lowlanders", "highlanders", "islanders",
    "river folk", "coast dwellers", "border folk", "shepherds", "merchants", "settlers", "wanderers", "farmers"};
const std::vector<std::string> kPeoplesSingular = {
    "stranger", "foreigner", "herdsman", "trader", "hill man", "marsh man", "northerner", "southerner",
    "easterner", "westerner", "nomad", "villager", "townsman", "lowlander", "highlander", "islander",
    "river man", "coast dweller", "border man", "shepherd", "merchant", "settler", "wanderer", "farmer"};
const std::vector<std::string> kTitles = {"the king", "the ruler", "the lord", "the chief", "the prince",
                                          "the governor", "the master", "the elder"};
const std::vector<std::string> kThings = {"stone", "book", "lamp", "charm", "cup",  "rope",  "coin",   "box",  "key",  "bell",
                                          "drink", "tool", "map",  "ring",  "coat", "stick", "flower", "bird", "horse", "cake"};

const std::vector<std::string>& pool_of(const TermKind& k) {
  if (k.kind == "family name") return kFamilyNames;
  if (k.kind == "place") return kPlaces;
  if (k.kind == "people") return k.plural ? kPeoplesPlural : kPeoplesSingular;
  if (k.kind == "title") return kTitles;
  if (k.kind == "thing") return kThings;
  if (k.gender == "male") return kMaleNames;
  if (k.gender == "female") return kFemaleNames;
  return kUnknownGenderNames;
}

}  // namespace

SubstitutePicker::SubstitutePicker(std::set<std::string> names_in_text) : forbidden_(std::move(names_in_text)) {}

bool SubstitutePicker::allowed(const std::string& substitute) const {
  for (const auto& word : util::words_of(substitute))
    if (forbidden_.count(word)) return false;
  return true;
}

std::vector<std::string> SubstitutePicker::pick(const std::string& term, const TermKind& kind, int64_t count) {
  const auto& pool = pool_of(kind);
  const size_t start = std::stoull(util::hash_bytes(term).substr(0, 15), nullptr, 16) % pool.size();
  std::vector<std::string> out;
  // First pass: a first substitute no earlier term was given; then any allowed one.
  for (bool fresh : {true, false}) {
    for (size_t k = 0; k < pool.size() && static_cast<int64_t>(out.size()) < count; ++k) {
      const std::string& candidate = pool[(start + k) % pool.size()];
      if (candidate == term || !allowed(candidate)) continue;
      if (std::find(out.begin(), out.end(), candidate) != out.end()) continue;
      if (fresh && out.empty() && given_.count(candidate)) continue;
      out.push_back(candidate);
    }
  }
  if (out.empty()) out.push_back(kind.kind == "place" ? "the place" : kind.kind == "people" ? "the people" : "someone");
  given_.insert(out.front());
  return out;
}

}  // namespace lethe::unlearn
