// oneDNN's C API (Debian libdnnl-dev ships no pkg-config file; the header is in /usr/include).
// The inline helpers take plain integers so Swift never has to build `dnnl_dims_t` tuples.
#include <dnnl.h>

// glibc's allocator knobs (`mallopt`), which the engine sets once so that freed activations are reused.
#include <malloc.h>

// The spin-wait hint of WorkerPool's polling loops: while a core polls, `pause` keeps it from
// flooding the pipeline (and a hyperthread sibling's share of it) with speculative loads.
static inline void cdnnl_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// oneDNN is built on OpenMP here: a primitive uses as many threads as the calling thread's
// OpenMP setting allows, so the engine sets it before each call.
extern void omp_set_num_threads(int count);
extern int omp_get_max_threads(void);

static inline dnnl_status_t cdnnl_memory_desc_4d(
    dnnl_memory_desc_t *md, int64_t a, int64_t b, int64_t c, int64_t d, dnnl_format_tag_t tag) {
  dnnl_dims_t dims = {a, b, c, d};
  return dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, tag);
}

static inline dnnl_status_t cdnnl_memory_desc_1d(dnnl_memory_desc_t *md, int64_t a) {
  dnnl_dims_t dims = {a};
  return dnnl_memory_desc_init_by_tag(md, 1, dims, dnnl_f32, dnnl_a);
}

/// A square window: `stride`, left/top padding `pad_l`, bottom and right padding `pad_r_h`, `pad_r_w`.
static inline dnnl_status_t cdnnl_convolution_forward(
    dnnl_convolution_desc_t *desc, dnnl_prop_kind_t prop, const dnnl_memory_desc_t *src,
    const dnnl_memory_desc_t *weights, const dnnl_memory_desc_t *bias, const dnnl_memory_desc_t *dst,
    int64_t stride, int64_t pad_l, int64_t pad_r_h, int64_t pad_r_w) {
  dnnl_dims_t s = {stride, stride}, l = {pad_l, pad_l}, r = {pad_r_h, pad_r_w};
  return dnnl_convolution_forward_desc_init(desc, prop, dnnl_convolution_direct, src, weights, bias, dst, s, l, r);
}

static inline dnnl_status_t cdnnl_convolution_backward_data(
    dnnl_convolution_desc_t *desc, const dnnl_memory_desc_t *diff_src, const dnnl_memory_desc_t *weights,
    const dnnl_memory_desc_t *diff_dst, int64_t stride, int64_t pad_l, int64_t pad_r_h, int64_t pad_r_w) {
  dnnl_dims_t s = {stride, stride}, l = {pad_l, pad_l}, r = {pad_r_h, pad_r_w};
  return dnnl_convolution_backward_data_desc_init(desc, dnnl_convolution_direct, diff_src, weights, diff_dst, s, l, r);
}

static inline dnnl_status_t cdnnl_convolution_backward_weights(
    dnnl_convolution_desc_t *desc, const dnnl_memory_desc_t *src, const dnnl_memory_desc_t *diff_weights,
    const dnnl_memory_desc_t *diff_bias, const dnnl_memory_desc_t *diff_dst, int64_t stride, int64_t pad_l,
    int64_t pad_r_h, int64_t pad_r_w) {
  dnnl_dims_t s = {stride, stride}, l = {pad_l, pad_l}, r = {pad_r_h, pad_r_w};
  return dnnl_convolution_backward_weights_desc_init(
      desc, dnnl_convolution_direct, src, diff_weights, diff_bias, diff_dst, s, l, r);
}

static inline dnnl_status_t cdnnl_max_pooling_forward(
    dnnl_pooling_desc_t *desc, dnnl_prop_kind_t prop, const dnnl_memory_desc_t *src, const dnnl_memory_desc_t *dst,
    int64_t kernel, int64_t stride, int64_t pad_r_h, int64_t pad_r_w) {
  dnnl_dims_t s = {stride, stride}, k = {kernel, kernel}, l = {0, 0}, r = {pad_r_h, pad_r_w};
  return dnnl_pooling_forward_desc_init(desc, prop, dnnl_pooling_max, src, dst, s, k, l, r);
}


// Argument indices as plain constants (the header spells them as macros of macros).
static const int cdnnl_arg_src = DNNL_ARG_SRC;
static const int cdnnl_arg_dst = DNNL_ARG_DST;
static const int cdnnl_arg_weights = DNNL_ARG_WEIGHTS;
static const int cdnnl_arg_bias = DNNL_ARG_BIAS;
static const int cdnnl_arg_diff_src = DNNL_ARG_DIFF_SRC;
static const int cdnnl_arg_diff_dst = DNNL_ARG_DIFF_DST;
static const int cdnnl_arg_diff_weights = DNNL_ARG_DIFF_WEIGHTS;
static const int cdnnl_arg_diff_bias = DNNL_ARG_DIFF_BIAS;
static const int cdnnl_arg_workspace = DNNL_ARG_WORKSPACE;
static const int cdnnl_arg_from = DNNL_ARG_FROM;
static const int cdnnl_arg_to = DNNL_ARG_TO;
static const int cdnnl_arg_scratchpad = DNNL_ARG_SCRATCHPAD;

/// Attributes asking for a scratchpad the caller provides at execution. With the library's own
/// (the default, and DNNL_ENABLE_CONCURRENT_EXEC off as in Debian's build) every primitive created
/// on a thread shares that thread's scratchpad, so primitives created on one thread and run at once
/// on two worker threads would share it. The caller destroys `*attr`.
static inline dnnl_status_t cdnnl_user_scratchpad_attributes(dnnl_primitive_attr_t *attr) {
  dnnl_status_t status = dnnl_primitive_attr_create(attr);
  if (status != dnnl_success) return status;
  status = dnnl_primitive_attr_set_scratchpad_mode(*attr, dnnl_scratchpad_mode_user);
  if (status != dnnl_success) dnnl_primitive_attr_destroy(*attr);
  return status;
}
