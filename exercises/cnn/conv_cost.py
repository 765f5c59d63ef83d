"""What a convolution layer costs, and why a dense layer on images is out of the question
(d2l: Convolutional Neural Networks > From Fully Connected Layers to Convolutions, and the
course's slide 二维卷积层复杂度).

The note's example (什么是卷积): a 12-megapixel RGB photo has 36 million input values. A
dense layer with only 100 hidden units on it has 36e6 * 100 = 3.6e9 weights, 14.4e9 bytes
(about 14 GB) in float32 (单层的 MLP 就需要 14G 的内存). A convolution shares one small kernel
over all positions, so its parameter count does not depend on the image size at all.

The note's notation for one 2-D convolution layer:

* c_i, c_o: input and output channels;
* k_h, k_w: kernel height and width;
* m_h, m_w: OUTPUT height and width (m = floor((n - k + p + s) / s) for an n x n input,
  see cnn/padding-stride).

Then

    params = c_o * c_i * k_h * k_w  (+ c_o biases when bias=True)
    macs   = c_i * c_o * k_h * k_w * m_h * m_w

``macs`` counts multiply-accumulate operations: every one of the c_o * m_h * m_w outputs
needs c_i * k_h * k_w multiplications, each added into a sum. The course slide calls this
number the FLOPs, O(c_i c_o k_h k_w m_h m_w). Many papers and tools count a multiply and an
add as 2 FLOPs, which doubles the number: keep that in mind when comparing. The bias adds
(one per output) are not counted in ``macs``, whether ``bias`` is True or False.

Worked example (the slide's): c_i = c_o = 100, k_h = k_w = 5, m_h = m_w = 64 gives
params = 250_000 + 100 = 250_100 and macs = 100 * 100 * 25 * 4096 = 1_024_000_000, about
1 GFLOP for a single layer on a 64 x 64 map.

For a dense (fully connected) layer from n_in to n_out features:

    params = n_in * n_out  (+ n_out biases when bias=True)
    bytes  = params * bytes_per_param          (4 for float32, 2 for float16, 8 for float64)

What to write:

* ``conv2d_cost(c_i, c_o, k_h, k_w, m_h, m_w, bias=True)`` returns the dict
  ``{"params": ..., "macs": ...}``; params equal ``sum(p.numel() for p in
  nn.Conv2d(c_i, c_o, (k_h, k_w), bias=bias).parameters())``.
* ``dense_cost(n_in, n_out, bias=True, bytes_per_param=4)`` returns the dict
  ``{"params": ..., "bytes": ...}``.

Both dicts have exactly those two keys, and the values are exact Python ints, also for
sizes whose products are far beyond 2**53 (where a float loses digits) and 2**63 (where a
numpy int64 overflows): compute with Python ints (``*``, ``math.prod``), not floats, numpy or
torch tensors. Every argument (except ``bias``) is a positive int; raise ``ValueError`` if
any of them is < 1.

Rules: do not build torch layers to count for you (``nn.Conv*``, ``nn.Linear``,
``nn.LazyLinear``) and do not use FLOP counters (``torch.utils.flop_counter``, ``thop``,
``fvcore``, ``ptflops``). Plain arithmetic is all you need.

Fill in both functions, then run::

    learn check cnn/conv-cost
"""


def conv2d_cost(c_i: int, c_o: int, k_h: int, k_w: int, m_h: int, m_w: int,
                bias: bool = True) -> dict:
    """Parameters and multiply-accumulates of one 2-D convolution layer.

    Args:
        c_i, c_o: input and output channels.
        k_h, k_w: kernel size.
        m_h, m_w: output height and width.
        bias: whether the layer has one bias per output channel.

    Returns:
        {"params": c_o*c_i*k_h*k_w (+ c_o), "macs": c_i*c_o*k_h*k_w*m_h*m_w}, Python ints.

    Raises:
        ValueError: if any size is < 1.
    """
    raise NotImplementedError("implement conv2d_cost")


def dense_cost(n_in: int, n_out: int, bias: bool = True, bytes_per_param: int = 4) -> dict:
    """Parameters and memory of one fully connected layer.

    Returns:
        {"params": n_in*n_out (+ n_out), "bytes": params * bytes_per_param}, Python ints.

    Raises:
        ValueError: if n_in, n_out or bytes_per_param is < 1.
    """
    raise NotImplementedError("implement dense_cost")
