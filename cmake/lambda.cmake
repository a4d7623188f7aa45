# The Lambda side (issue 6): the runtime loop and function assembly
# (src/lambda/), and `bootstrap`, the executable Lambda's custom runtime
# (provided.al2023) starts. scripts/package-lambda zips it with its libraries.
invtrack_layer(invtrack_lambda lambda invtrack_adapters_aws invtrack_functions CURL::libcurl
  nlohmann_json::nlohmann_json)
add_executable(invtrack_bootstrap src/lambda/main.cc)
target_link_libraries(invtrack_bootstrap PRIVATE invtrack_lambda)
# Lambda runs the file named `bootstrap`; $ORIGIN/lib finds the libraries
# the package bundles next to it.
set_target_properties(invtrack_bootstrap PROPERTIES OUTPUT_NAME bootstrap
  BUILD_RPATH "\$ORIGIN/lib" INSTALL_RPATH "\$ORIGIN/lib")
