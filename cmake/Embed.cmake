# livedeck_embed(TARGET NAME SYMBOL FILES...)
# Generates, at build time, a C++ file that holds the bytes of each FILE, so
# what the program shows (a demo's source, the theme) is the very file that was
# compiled. The generated file defines
#   std::span<const livedeck::EmbeddedFile> SYMBOL();
# listing { base name, contents } in the order given.
set(LIVEDECK_EMBED_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/EmbedScript.cmake")

function(livedeck_embed target symbol)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${symbol}.cpp")
  set(abs_files)
  foreach(f IN LISTS ARGN)
    get_filename_component(abs "${f}" ABSOLUTE)
    list(APPEND abs_files "${abs}")
  endforeach()
  string(REPLACE ";" "|" joined "${abs_files}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol} "-DFILES=${joined}" -P "${LIVEDECK_EMBED_SCRIPT}"
    DEPENDS ${abs_files} "${LIVEDECK_EMBED_SCRIPT}"
    COMMENT "Embedding ${symbol}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()

add_library(livedeck_embed_support INTERFACE)
target_include_directories(livedeck_embed_support INTERFACE "${CMAKE_CURRENT_LIST_DIR}")
