// Boost.Beast settings shared by every translation unit that includes a
// Beast header. Include this first, and only from .cc files: the settings
// must be identical everywhere (they change types), and keeping Beast out of
// public headers keeps compile times down.
#ifndef INVTRACK_HTTP_BEAST_CONFIG_H_
#define INVTRACK_HTTP_BEAST_CONFIG_H_

// std::string_view instead of boost::string_view, so parsed fields convert
// to our types without copies or adapters.
#ifndef BOOST_BEAST_USE_STD_STRING_VIEW
#define BOOST_BEAST_USE_STD_STRING_VIEW 1
#endif

// We never use Asio's deprecated interfaces; hiding them trims the headers.
#ifndef BOOST_ASIO_NO_DEPRECATED
#define BOOST_ASIO_NO_DEPRECATED 1
#endif

#endif  // INVTRACK_HTTP_BEAST_CONFIG_H_
