#pragma once
// Fluency of generated text: an unlearned model that answers in loops has not forgotten, it is
// broken.
#include <string>
#include <vector>

namespace lethe::eval {

// distinct-n (Li et al. 2016) over a set of generations: the number of distinct word n-grams
// divided by the number of word n-grams, pooled over all generations (words() of text_match.h;
// n-grams do not cross from one generation to the next). 1: no n-gram repeats; near 0: loops.
// 0 when no generation has n words. Throws lethe::Error when n < 1.
double distinct_n(const std::vector<std::string>& generations, int n);

}  // namespace lethe::eval
