// Kind and gender of a term from the sentences around it, on hand-made sentences in the style of
// the cases that go wrong first: kinship in apposition, bearing and begetting, lists under "the sons
// of", pronouns of the object, places after "the land of", demonyms, a title.
#include "unlearn/term_kind.h"

#include <gtest/gtest.h>

namespace lethe::unlearn {
namespace {

TermKind decide(const std::string& term, const std::string& text, const std::set<std::string>& rare,
                bool titled_in_reference = false) {
  auto words = scan_words(text);
  return decide_term_kind(term, words, index_words(words)[term], rare, titled_in_reference);
}

TEST(TermKind, KinshipInAppositionGivesPersonAndGender) {
  const std::set<std::string> rare = {"Rachel", "Laban", "Sarai", "Abram"};
  auto rachel = decide("Rachel", "Behold, Rachel his daughter cometh with the sheep. Laban ran out unto Rachel.", rare);
  EXPECT_EQ(rachel.kind, "first name");
  EXPECT_EQ(rachel.gender, "female");
  auto sarai = decide("Sarai", "And Abram took his wife Sarai into the land. Abram's wife Sarai was old.", rare);
  EXPECT_EQ(sarai.gender, "female");
  auto laban = decide("Laban", "Then Laban his brother came out. And Laban said, Come in.", rare);
  EXPECT_EQ(laban.gender, "male");
  EXPECT_GT(laban.confidence, 0.5);
}

TEST(TermKind, BearingAndBegettingGiveTheGender) {
  const std::set<std::string> rare = {"Leah", "Terah", "Abram"};
  EXPECT_EQ(decide("Leah", "And Leah conceived, and bare a son. Leah bare a daughter.", rare).gender, "female");
  EXPECT_EQ(decide("Terah", "And Terah begat Abram. And Terah lived seventy years.", rare).gender, "male");
}

// Names in a list take the list's head ("the sons of"), but the parent it is of does not.
TEST(TermKind, ListsUnderTheSonsOfAreMale) {
  const std::set<std::string> rare = {"Seir", "Lotan", "Shobal", "Leah", "Reuben"};
  const std::string text = "These are the sons of Seir the Horite; Lotan, and Shobal. The sons of Leah; Reuben.";
  EXPECT_EQ(decide("Shobal", text, rare).gender, "male");
  EXPECT_EQ(decide("Reuben", text, rare).gender, "male");
  EXPECT_EQ(decide("Leah", text, rare).gender, "");
}

// A pronoun after "unto X" is not X's: "marry her" is the wife's, "his" is Onan's.
TEST(TermKind, PronounsAfterTheObjectAreNotCounted) {
  const std::set<std::string> rare = {"Judah", "Onan"};
  auto onan = decide("Onan",
                     "And Judah said unto Onan, Go in unto thy brother's wife, and marry her. And Onan knew "
                     "that the seed should not be his.",
                     rare);
  EXPECT_EQ(onan.gender, "male");
  EXPECT_EQ(decide("Anah", "These are the dukes: duke Anah, duke Dishon. And duke Anah died.", {"Anah", "Dishon"}).gender,
            "male");
}

TEST(TermKind, LandsAndCitiesArePlaces) {
  const std::set<std::string> rare = {"Canaan", "Goshen", "Abram", "Rehoboth", "Seir"};
  EXPECT_EQ(decide("Canaan", "They dwelt in the land of Canaan. Abram went into Canaan.", rare).kind, "place");
  EXPECT_EQ(decide("Goshen", "And they came into the land of Goshen, and dwelt in Goshen.", rare).kind, "place");
  EXPECT_EQ(decide("Rehoboth", "He builded the city Rehoboth. The city Rehoboth stood.", rare).kind, "place");
  EXPECT_EQ(decide("Seir", "Esau dwelt in mount Seir. He went unto the land of Seir.", rare).kind, "place");
}

TEST(TermKind, PeoplesAreDemonymsAndTheirNumber) {
  const std::set<std::string> rare = {"Ephron", "Hittite", "Philistines", "Abram", "Hebrew"};
  const std::string text = "And Ephron the Hittite answered. Ephron the Hittite said unto him. The Philistines "
                           "stopped the wells, and the Philistines filled them. Abram the Hebrew came.";
  auto hittite = decide("Hittite", text, rare);
  EXPECT_EQ(hittite.kind, "people");
  EXPECT_FALSE(hittite.plural);
  auto philistines = decide("Philistines", text, rare);
  EXPECT_EQ(philistines.kind, "people");
  EXPECT_TRUE(philistines.plural);
  EXPECT_EQ(decide("Hebrew", text, rare).kind, "people");  // after a name and "the"
  EXPECT_EQ(decide("Ephron", text, rare).kind, "first name");
}

// "Pharaoh said" reads like a name; the reference writing "the Pharaohs" makes it a title.
TEST(TermKind, ANameTheReferenceWritesAfterAnArticleIsATitle) {
  const std::string text = "And Pharaoh said unto Joseph, See. Pharaoh took off his ring.";
  EXPECT_EQ(decide("Pharaoh", text, {"Pharaoh", "Joseph"}, true).kind, "title");
  EXPECT_EQ(decide("Pharaoh", text, {"Pharaoh", "Joseph"}, false).kind, "first name");
}

TEST(GenericSubstitutes, AgreeInKindGenderAndNumberAndAvoidTheTextsNames) {
  SubstitutePicker picker;
  auto female = picker.pick("Rachel", {"first name", "female", false, 1.0}, 2);
  auto male = picker.pick("Laban", {"first name", "male", false, 1.0}, 2);
  ASSERT_EQ(female.size(), 2u);
  EXPECT_NE(female[0], female[1]);
  SubstitutePicker fresh;
  EXPECT_EQ(fresh.pick("Rachel", {"first name", "female", false, 1.0}, 2), female);  // the same term, the same choice
  EXPECT_NE(female[0], male[0]);
  auto plural = picker.pick("Philistines", {"people", "", true, 1.0}, 1);
  auto singular = picker.pick("Hittite", {"people", "", false, 1.0}, 1);
  EXPECT_EQ(plural[0].back(), 's');
  EXPECT_NE(singular[0].back(), 's');
  EXPECT_EQ(picker.pick("Canaan", {"place", "", false, 1.0}, 1)[0].rfind("the ", 0), 0u);

  // A book whose hero is called David: whatever the hash picks first, no substitute is a name the
  // text uses, and no two terms share a first choice while the pool lasts.
  std::set<std::string> names = {"David", "James", "John", "Robert", "Michael", "William"};
  SubstitutePicker careful(names);
  std::set<std::string> firsts;
  for (int i = 0; i < 50; ++i) {
    auto substitutes = careful.pick("Enemy" + std::to_string(i), {"first name", "male", false, 1.0}, 2);
    for (const auto& s : substitutes) EXPECT_EQ(names.count(s), 0u) << s;
    EXPECT_TRUE(firsts.insert(substitutes[0]).second) << substitutes[0];
  }
}

}  // namespace
}  // namespace lethe::unlearn
