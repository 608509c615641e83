// The one translation unit that compiles Boost.Asio (BOOST_ASIO_SEPARATE_COMPILATION is set
// project-wide), so every other file that includes Asio sees declarations only.
#include <boost/asio/impl/src.hpp>
