package org.snnc.compiler.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The naming scheme of {@link OnnxNames}, one rule per assertion. */
class OnnxNamesTest {

    @Test
    void pytorchScopesBecomeReadableIdentifiers() {
        assertEquals("n0.0_Conv", OnnxNames.identifier("/0/0.0/Conv"), "a scope repeated as a prefix is dropped");
        assertEquals("n0_blocks.0_c1_Conv", OnnxNames.identifier("/0/blocks/blocks.0/c1/Conv"));
        assertEquals("conv1_Conv", OnnxNames.identifier("/conv1/Conv"));
        assertEquals("conv1", OnnxNames.identifier("conv1"));
    }

    @Test
    void otherCharactersAndLeadingDigitsAreRepaired() {
        assertEquals("onnx_Conv_5", OnnxNames.identifier("onnx::Conv_5"));
        assertEquals("n23", OnnxNames.identifier("23"));
        assertEquals("n.x", OnnxNames.identifier(".x"));
        assertEquals("v", OnnxNames.identifier("///"));
        assertEquals("a_b", OnnxNames.identifier("a b"));
    }

    @Test
    void valueNamesAreMadeUnique() {
        OnnxNames names = new OnnxNames();
        assertEquals("relu", names.newValueName("relu"));
        assertEquals("relu_2", names.newValueName("/relu"));
        assertEquals("relu_3", names.newValueName("relu"));
    }

    @Test
    void keysKeepTheInitializerNameWhereTheyCan() {
        assertEquals("0.0.weight", OnnxNames.key("0.0.weight"), "a key is a string: it may start with a digit");
        assertEquals("onnx_MatMul_12", OnnxNames.key("onnx::MatMul_12"));
        assertEquals("a_b", OnnxNames.key("a/b"), "no '/' that would open a folder in the npz");
        Set<String> taken = new HashSet<>(Set.of("w"));
        assertEquals("w_2", OnnxNames.unique("w", taken));
    }
}
