/*
 * The snnc network language: a network is a graph of named values.
 *
 *   network lenet
 *   weights "lenet.npz"
 *   input image: u8[1,28,28] scale 1/255
 *   conv1 = conv2d(image, filters=6, kernel=5, weight="conv1.weight", bias="conv1.bias")
 *   relu1 = relu(conv1)
 *   ...
 *   output probs = softmax(fc2)
 *
 * Operands are positional value names; attributes are key=value. The tree is lowered to the IR in the compiler
 * module (org.snnc.compiler.frontend.text), which also checks operator names, attributes and shapes.
 */
grammar Snn;

network        : networkHeader weightsDecl? statement* EOF ;

networkHeader  : NETWORK identifier ;

weightsDecl    : WEIGHTS path=STRING ;

statement      : inputDecl
               | assignment
               ;

inputDecl      : INPUT identifier ':' tensorType ;

tensorType     : dtype=identifier '[' dimensions ']' scaleClause? ;

dimensions     : INT (',' INT)* ;

scaleClause    : SCALE numerator=number ('/' denominator=number)? ;

assignment     : OUTPUT? identifier '=' operation ;

operation      : operator=identifier '(' argumentList? ')' ;

argumentList   : argument (',' argument)* ;

argument       : identifier '=' value    # keywordArgument
               | identifier              # operandArgument
               ;

value          : number                  # numberValue
               | STRING                  # stringValue
               | identifier              # wordValue
               | '[' value (',' value)* ']'  # listValue
               ;

number         : '-'? (INT | FLOAT) ;

// Keywords are reserved only where they introduce a clause; they may still name values and attributes.
identifier     : IDENTIFIER | NETWORK | WEIGHTS | INPUT | OUTPUT | SCALE ;

NETWORK        : 'network' ;
WEIGHTS        : 'weights' ;
INPUT          : 'input' ;
OUTPUT         : 'output' ;
SCALE          : 'scale' ;

IDENTIFIER     : [a-zA-Z_] [a-zA-Z_0-9.]* ;
INT            : [0-9]+ ;
FLOAT          : [0-9]+ '.' [0-9]* EXPONENT?
               | '.' [0-9]+ EXPONENT?
               | [0-9]+ EXPONENT
               ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
STRING         : '"' (~["\\\r\n] | '\\' ["\\])* '"' ;

LINE_COMMENT   : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT  : '/*' .*? '*/' -> skip ;
WHITESPACE     : [ \t\r\n]+ -> skip ;
