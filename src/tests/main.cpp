// The harness's own unit tests (one Boost.Test module, one file per header).
#define BOOST_TEST_MODULE gradcheck_tests
#include <boost/test/unit_test.hpp>
