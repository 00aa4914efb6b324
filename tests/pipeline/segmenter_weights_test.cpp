#include "pipeline/internal/segmenter_weights.h"

#include <sstream>

#include <gtest/gtest.h>

namespace broadsheet::pipeline::internal {
namespace {

TEST(segmenter_weights, reads_the_weights_a_file_names_and_keeps_the_others) {
  // given: two weights, a threshold, a name no weight has and a line without a value
  std::istringstream in("bias -1.5\nanchor_open 0.7\nno_such_weight 3\ncohesion -8\nbyline\n");
  const weights w = read_weights(in);
  EXPECT_EQ(w.bias, -1.5);
  EXPECT_EQ(w.anchor_open, 0.7);
  EXPECT_EQ(w.cohesion, -8.0);
  // every other weight keeps its default
  EXPECT_EQ(w.byline, weights{}.byline);
  EXPECT_EQ(w.dateline_next, weights{}.dateline_next);
}

TEST(segmenter_weights, a_normal_build_uses_the_defaults) {
  // the header's weights are the ones the segmenter reads unless the build is for fitting them
  EXPECT_EQ(W.bias, weights{}.bias);
  EXPECT_EQ(W.untitled_story, weights{}.untitled_story);
}

}  // namespace
}  // namespace broadsheet::pipeline::internal
