package org.snnc.compiler.frontend.text;

import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.snnc.compiler.diag.SourceSpan;

/** Turns parse-tree positions into 1-based {@link SourceSpan}s of one file. */
record SourceLocator(String file) {

    SourceSpan spanOf(ParserRuleContext context) {
        return spanOf(context.getStart());
    }

    SourceSpan spanOf(Token token) {
        // ANTLR counts columns from 0; gnu-style diagnostics count from 1.
        return new SourceSpan(file, token.getLine(), token.getCharPositionInLine() + 1);
    }
}
