package org.snnc.compiler.frontend.onnx;

import java.util.Arrays;
import java.util.List;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/**
 * A per-channel affine map of an activation that the importer has not emitted yet, so that it can fold into the
 * weighted layer that reads it. Channel k of the view is
 * <pre>  v[k,…] = s[k] · x[c(k),…] + t[k]</pre>
 * where x is the IR value {@code source} (channels along its axis 0: the C of [C,H,W], or the features of [F]),
 * c(k) = {@code channels[k]}, s = {@code scale} and t = {@code shift}. It covers input normalization
 * (x − μ)/σ (s = 1/σ, t = −μ/σ), a scalar or per-channel Mul/Div/Add/Sub by a constant, the channel picks of
 * {@code Gather} on axis 1 and their {@code Concat} (torchvision's inception_v3 {@code transform_input}), and a
 * permutation of the features (a channel-last flatten, s = 1, t = 0). When {@code channelAxisDropped} holds, the view
 * is one channel whose axis a scalar-index Gather removed (ONNX shape [N,H,W]); an Unsqueeze at axis 1 restores it.
 *
 * <p>Folding into the layer that reads v:
 * <ul>
 *   <li>Conv, weight W [F, K/g, kH, kW] and bias b: y[f] = b[f] + Σ_{k,u,v} W[f,k,u,v]·pad(v)[k,…]. With no padding,
 *       pad(v) = s·x[c(k)] + t, so y reads x with W′[f, c, u, v] = Σ_{k : c(k) = c} s[k]·W[f,k,u,v] and
 *       b′[f] = b[f] + Σ_{k,u,v} W[f,k,u,v]·t[k]. With padding, the padded cells of v are 0 and not t, so the fold is
 *       exact only when t = 0. A grouped conv folds only the identity channel map (c(k) = k).</li>
 *   <li>Dense, weight W [U, K] and bias b: W′[u, c] = Σ_{k : c(k) = c} s[k]·W[u,k] and b′[u] = b[u] + Σ_k W[u,k]·t[k],
 *       always exact.</li>
 * </ul>
 * Anything else reads the view through an explicit {@link org.snnc.compiler.ir.Affine} (scale s, shift t), which is
 * possible when the channel map is the identity.
 */
record AffineView(String source, int sourceChannels, int[] channels, double[] scale, double[] shift,
        boolean channelAxisDropped) {

    /** A weight and bias after folding; the bias is null when the layer had none and the view adds none. */
    record Folded(Tensor weight, double[] bias) {
    }

    AffineView {
        channels = channels.clone();
        scale = scale.clone();
        shift = shift.clone();
    }

    /** x itself: c(k) = k, s = 1, t = 0. */
    static AffineView identity(String source, int sourceChannels) {
        int[] channels = new int[sourceChannels];
        double[] scale = new double[sourceChannels];
        for (int k = 0; k < sourceChannels; k++) {
            channels[k] = k;
            scale[k] = 1;
        }
        return new AffineView(source, sourceChannels, channels, scale, new double[sourceChannels], false);
    }

    int width() {
        return channels.length;
    }

    boolean isIdentityMap() {
        if (channelAxisDropped || channels.length != sourceChannels) {
            return false;
        }
        for (int k = 0; k < channels.length; k++) {
            if (channels[k] != k) {
                return false;
            }
        }
        return true;
    }

    boolean hasShift() {
        return Arrays.stream(shift).anyMatch(t -> t != 0);
    }

    /** Channels {@code picks} of this view (Gather along axis 1); {@code dropAxis} for a scalar index. */
    AffineView gather(int[] picks, boolean dropAxis) {
        int[] c = new int[picks.length];
        double[] s = new double[picks.length];
        double[] t = new double[picks.length];
        for (int i = 0; i < picks.length; i++) {
            c[i] = channels[picks[i]];
            s[i] = scale[picks[i]];
            t[i] = shift[picks[i]];
        }
        return new AffineView(source, sourceChannels, c, s, t, dropAxis);
    }

    /** The view with its channel axis back (Unsqueeze at axis 1 of a scalar Gather). */
    AffineView restoreChannelAxis() {
        return new AffineView(source, sourceChannels, channels, scale, shift, false);
    }

    /** The elementwise operators by a per-channel constant a (one value, or one per channel of the view). */
    enum Arithmetic { ADD, SUB, MUL, DIV }

    /**
     * v ∘ a, or a ∘ v when {@code constantFirst}: v + a → t + a; v − a → t − a; a − v → (−s, a − t); v·a → (s·a, t·a);
     * v / a → (s/a, t/a). a / v is not affine, and the caller refuses it.
     */
    AffineView apply(Arithmetic op, double[] a, boolean constantFirst) {
        double[] s = scale.clone();
        double[] t = shift.clone();
        for (int k = 0; k < s.length; k++) {
            double ak = a[a.length == 1 ? 0 : k];
            switch (op) {
                case ADD -> t[k] += ak;
                case SUB -> {
                    if (constantFirst) {
                        s[k] = -s[k];
                        t[k] = ak - t[k];
                    } else {
                        t[k] -= ak;
                    }
                }
                case MUL -> {
                    s[k] *= ak;
                    t[k] *= ak;
                }
                case DIV -> {
                    s[k] /= ak;
                    t[k] /= ak;
                }
            }
        }
        return new AffineView(source, sourceChannels, channels, s, t, channelAxisDropped);
    }

    /** The concatenation of views of one source along the channel axis. */
    static AffineView concat(List<AffineView> parts) {
        AffineView first = parts.get(0);
        int width = parts.stream().mapToInt(AffineView::width).sum();
        int[] c = new int[width];
        double[] s = new double[width];
        double[] t = new double[width];
        int at = 0;
        for (AffineView p : parts) {
            System.arraycopy(p.channels, 0, c, at, p.width());
            System.arraycopy(p.scale, 0, s, at, p.width());
            System.arraycopy(p.shift, 0, t, at, p.width());
            at += p.width();
        }
        return new AffineView(first.source, first.sourceChannels, c, s, t, false);
    }

    /**
     * The same map on the flattened source {@code flatSource} ([C·H·W] from [C,H,W], positions per channel
     * {@code positions} = H·W): feature k·HW + p of the flattened view is s[k]·x′[c(k)·HW + p] + t[k].
     */
    AffineView flattened(String flatSource, int positions) {
        int width = channels.length * positions;
        int[] c = new int[width];
        double[] s = new double[width];
        double[] t = new double[width];
        for (int k = 0; k < channels.length; k++) {
            for (int p = 0; p < positions; p++) {
                c[k * positions + p] = channels[k] * positions + p;
                s[k * positions + p] = scale[k];
                t[k * positions + p] = shift[k];
            }
        }
        return new AffineView(flatSource, sourceChannels * positions, c, s, t, false);
    }

    /** A permutation of the features of {@code source} ([F]): feature k of the view is x[order[k]]. */
    static AffineView permutation(String source, int[] order) {
        double[] ones = new double[order.length];
        Arrays.fill(ones, 1);
        return new AffineView(source, order.length, order, ones, new double[order.length], false);
    }

    /**
     * Folds the view into a conv's weight W [F, K/group, kH, kW] and bias b (null when absent); the caller has checked
     * that the conv is unpadded or the view has no shift, and that a grouped conv sees the identity map.
     */
    Folded foldIntoConv(Tensor weight, double[] bias, int group) {
        int filters = weight.shape().dim(0);
        int perGroup = weight.shape().dim(1);
        int taps = weight.shape().dim(2) * weight.shape().dim(3);
        int targetChannels = group == 1 ? sourceChannels : perGroup;
        double[] w = weight.backingArray();
        double[] folded = new double[filters * targetChannels * taps];
        double[] b = bias == null && !hasShift() ? null : new double[filters];
        for (int f = 0; f < filters; f++) {
            int firstChannel = f / (filters / group) * perGroup;
            if (b != null) {
                b[f] = bias == null ? 0 : bias[f];
            }
            for (int j = 0; j < perGroup; j++) {
                int k = firstChannel + j;
                int target = group == 1 ? channels[k] : j;
                for (int tap = 0; tap < taps; tap++) {
                    double wv = w[(f * perGroup + j) * taps + tap];
                    folded[(f * targetChannels + target) * taps + tap] += scale[k] * wv;
                    if (b != null) {
                        b[f] += wv * shift[k];
                    }
                }
            }
        }
        int[] dims = {filters, targetChannels, weight.shape().dim(2), weight.shape().dim(3)};
        return new Folded(Tensor.wrap(Shape.of(dims), folded), b);
    }

    /** Folds the view into a dense weight W [U, K] and bias b (null when absent). */
    Folded foldIntoDense(Tensor weight, double[] bias) {
        int units = weight.shape().dim(0);
        int fanIn = weight.shape().dim(1);
        double[] w = weight.backingArray();
        double[] folded = new double[units * sourceChannels];
        double[] b = bias == null && !hasShift() ? null : new double[units];
        for (int u = 0; u < units; u++) {
            if (b != null) {
                b[u] = bias == null ? 0 : bias[u];
            }
            for (int k = 0; k < fanIn; k++) {
                double wv = w[u * fanIn + k];
                folded[u * sourceChannels + channels[k]] += scale[k] * wv;
                if (b != null) {
                    b[u] += wv * shift[k];
                }
            }
        }
        return new Folded(Tensor.wrap(Shape.of(units, sourceChannels), folded), b);
    }
}
