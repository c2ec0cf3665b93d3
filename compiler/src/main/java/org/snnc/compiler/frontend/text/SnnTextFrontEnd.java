package org.snnc.compiler.frontend.text;

import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.grammar.SnnLexer;
import org.snnc.grammar.SnnParser;

/**
 * Reads the network language: parses with the ANTLR grammar, then lowers the tree to the IR. Errors come in phases:
 * syntax first, then names and attributes; each phase reports every error it finds before stopping. Shapes and
 * weights are checked later, by the {@link org.snnc.compiler.ir.Verifier} once the weights are loaded.
 */
public final class SnnTextFrontEnd {

    private SnnTextFrontEnd() {
    }

    /**
     * Parses {@code source}, naming it {@code fileName} in diagnostics.
     *
     * @throws org.snnc.compiler.diag.CompilationException with every syntax, name or attribute error
     */
    public static ParsedNetwork parse(String source, String fileName) {
        DiagnosticBag diagnostics = new DiagnosticBag();
        SyntaxErrorCollector errors = new SyntaxErrorCollector(fileName, diagnostics);
        SnnLexer lexer = new SnnLexer(CharStreams.fromString(source, fileName));
        lexer.removeErrorListeners();
        lexer.addErrorListener(errors);
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill(); // lexes the whole file first, so that every lexer error precedes the parser's
        SnnParser parser = new SnnParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(errors);
        SnnParser.NetworkContext tree = parser.network();
        diagnostics.throwIfErrors();
        ParsedNetwork network = new TreeLowering(new SourceLocator(fileName), diagnostics).lower(tree);
        diagnostics.throwIfErrors();
        return network;
    }
}
