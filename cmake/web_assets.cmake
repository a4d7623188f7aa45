# Compiles the dashboard's static files into invtrack_dashboard: every file
# of web/ (html, css, js, svg) and Chart.js, from web/vendor/ (where
# scripts/setup copies it) or else straight from node_modules/. CMake
# re-runs when one of them changes; the generated source is only rewritten
# when its content changed.
file(GLOB web_files CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/web/*.html ${CMAKE_SOURCE_DIR}/web/*.css
  ${CMAKE_SOURCE_DIR}/web/*.js ${CMAKE_SOURCE_DIR}/web/*.svg)
set(chart_js "")
foreach(candidate ${CMAKE_SOURCE_DIR}/web/vendor/chart.umd.js
                  ${CMAKE_SOURCE_DIR}/node_modules/chart.js/dist/chart.umd.js)
  if(NOT chart_js AND EXISTS ${candidate})
    set(chart_js ${candidate})
  endif()
endforeach()
if(NOT chart_js)
  message(WARNING "Chart.js not found (run scripts/setup, which runs npm ci): "
                  "the dashboard will show tables without charts")
endif()

set(web_cc "#include \"dashboard/web_assets.h\"\nnamespace invtrack {\nnamespace {\n")
string(APPEND web_cc "const WebAsset kAssets[] = {\n")
set(web_inputs ${web_files})
if(chart_js)
  list(APPEND web_inputs ${chart_js})
endif()
foreach(web_file ${web_inputs})
  get_filename_component(web_name ${web_file} NAME)
  get_filename_component(web_ext ${web_file} LAST_EXT)
  if(web_file STREQUAL chart_js)
    set(web_url "/vendor/chart.umd.js")
  else()
    set(web_url "/${web_name}")
  endif()
  if(web_ext STREQUAL ".html")
    set(web_type "text/html; charset=utf-8")
  elseif(web_ext STREQUAL ".css")
    set(web_type "text/css; charset=utf-8")
  elseif(web_ext STREQUAL ".js")
    set(web_type "text/javascript; charset=utf-8")
  else()
    set(web_type "image/svg+xml")
  endif()
  file(READ ${web_file} web_content)
  string(FIND "${web_content}" ")invtrackweb\"" web_delimiter_at)
  if(NOT web_delimiter_at EQUAL -1)
    message(FATAL_ERROR "${web_file} contains the raw-string delimiter )invtrackweb\"")
  endif()
  string(APPEND web_cc "  {\"${web_url}\", \"${web_type}\", R\"invtrackweb(${web_content})invtrackweb\"},\n")
endforeach()
string(APPEND web_cc "};\n}  // namespace\n")
string(APPEND web_cc "std::span<const WebAsset> WebAssets() { return kAssets; }\n}  // namespace invtrack\n")
file(WRITE ${CMAKE_BINARY_DIR}/generated/web_assets.cc.new "${web_cc}")
configure_file(${CMAKE_BINARY_DIR}/generated/web_assets.cc.new
               ${CMAKE_BINARY_DIR}/generated/web_assets.cc COPYONLY)
target_sources(invtrack_dashboard PRIVATE ${CMAKE_BINARY_DIR}/generated/web_assets.cc)
